"""The ``quantize`` flow: the ``cmodel`` IR annotated by a strategy (options as ``quantize_graph``)."""
from __future__ import annotations

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.passes import Pass, register_flow, register_pass
from frontc.quant.annotations import is_quantized
from frontc.quant.quantize import Layers, Table, annotate
from frontc.quant.strategies import check_options


class Quantize(Pass):
    """Annotate an unquantized graph once (a quantized graph is left as it is)."""

    name = "quantize"

    def __init__(self, table: Table | None = None, strategy: str = "symmetry_max", weight_quan: str = "perlayer",
                 weight_bits: int = 8, act_bits: int = 8, layers: Layers | None = None) -> None:
        check_options(strategy, weight_quan, weight_bits, act_bits)
        if table is None and strategy != "null":
            raise OptionError("the quantize flow needs a calibration table (option 'table')",
                              hint="calibrate first (frontc calibrate)")
        self.table, self.strategy, self.weight_quan = table or {}, strategy, weight_quan
        self.weight_bits, self.act_bits, self.layers = weight_bits, act_bits, layers

    def run(self, graph: Graph) -> int:
        if is_quantized(graph):
            return 0
        annotate(graph, self.table, self.strategy, weight_quan=self.weight_quan, weight_bits=self.weight_bits,
                 act_bits=self.act_bits, layers=self.layers)
        return 1


register_pass(Quantize.name, Quantize)
register_flow("quantize", [Quantize.name], after="cmodel", ir_name="IR_quant",
              options=["table", "strategy", "weight_quan", "weight_bits", "act_bits", "layers"],
              doc="The cmodel IR annotated with a quantization strategy from a calibration table.")
