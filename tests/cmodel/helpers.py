"""Quantize a fused graph on seeded inputs, emit and build its C model."""
from __future__ import annotations

from pathlib import Path

from frontc.cmodel import CModel, build, emit
from frontc.ir.graph import Graph
from frontc.quant import quantize_graph
from tests.quant.helpers import minmax_table


def quantized(graph: Graph, inputs, strategy: str = "symmetry_max_t", weight_quan: str = "perchannel",
              act_bits: int = 8) -> Graph:
    return quantize_graph(graph, minmax_table(graph, inputs), strategy, weight_quan=weight_quan,
                          act_bits=act_bits)


def built(graph: Graph, folder: Path, *, opt: str = "native", extra: list[str] | None = None,
          weights: str = "blob") -> CModel:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in emit(graph, weights=weights).files.items():
        (folder / name).write_bytes(data)
    build(folder, opt=opt, extra=extra)
    return CModel(folder)
