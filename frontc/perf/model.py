"""Per-layer latency of a graph on a Hardware: MACs, bytes at the layers' bit widths, roofline bounds.

For each node: MACs and elementwise operations (as ``frontc.analysis.complexity`` counts them).
Bit widths come from the quantization annotations (``frontc.quant.annotations``): a weight at its
annotated bits, each activation tensor at its own, biases at theirs (32); an unannotated (float)
tensor is assumed at the hardware's native ``mac_bits`` and a float weight's other params at 32 bits.
An annotated width the hardware's ``bit_widths`` does not list is refused (OptionError naming the node).
A layer runs at the wider of its weight and activation widths, at ``mac_array * mac_bits / width``
MACs per cycle.
Sparsity: the pattern recorded in the IR (``meta["sparsity"]``, written by ``frontc.prune``) with the
hardware's ``sparse_speedup`` for it (a structured pattern the hardware does not list runs as
unstructured when that is listed), capped by the ideal dense / nonzero MACs; a weight without a
recorded pattern runs dense (zeros from quantization rounding are not exploited). A sparse weight is
stored compressed: nonzeros plus index bits (``sparse_index_bits`` for unstructured, log2(M) for
N:M, ``sparse_index_bits`` per block for blocks, none for channels).
DRAM bytes: weights always; activations only when the layer does not fit in SRAM (graph inputs and
outputs always). Compute time = effective MACs / MAC rate + elementwise ops / vector rate; memory
time = DRAM bytes / bandwidth; latency = max(compute, memory) + per-layer overhead.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from frontc.analysis.complexity import LINEAR_OPS, complexity
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph, Node
from frontc.ir.sparsity import META_KEY, parse_pattern
from frontc.perf.hardware import Hardware
from frontc.quant import annotations


@dataclass
class LayerPerf:
    """The performance estimate of one IR node."""

    name: str
    op: str
    weight_bits: int
    act_bits: int
    pattern: str
    macs: int
    effective_macs: float
    element_ops: int
    weight_bytes: float
    act_bytes: float
    dram_bytes: float
    compute_s: float
    memory_s: float
    latency_s: float
    bound: str

    @property
    def flops(self) -> float:
        return 2 * self.effective_macs + self.element_ops

    @property
    def intensity(self) -> float:
        """FLOPs per DRAM byte (inf when nothing leaves the chip)."""
        return self.flops / self.dram_bytes if self.dram_bytes else math.inf


@dataclass
class PerfReport:
    """Per-layer estimates and totals of a graph on a hardware."""

    hardware: Hardware
    layers: list[LayerPerf]
    bits_from: str

    @property
    def latency_s(self) -> float:
        return sum(layer.latency_s for layer in self.layers)

    def as_dict(self) -> dict:
        layers = [asdict(layer) | {"flops": layer.flops,
                                   "intensity": layer.intensity if math.isfinite(layer.intensity) else None}
                  for layer in self.layers]  # None: nothing leaves the chip
        compute = [layer for layer in self.layers if layer.bound == "compute"]
        return {"hardware": self.hardware.as_dict(), "bits_from": self.bits_from, "latency_s": self.latency_s,
                "macs": sum(layer.macs for layer in self.layers),
                "effective_macs": sum(layer.effective_macs for layer in self.layers),
                "dram_bytes": sum(layer.dram_bytes for layer in self.layers),
                "compute_bound_layers": len(compute), "layers": layers}

    def table(self, top: int = 0) -> str:
        """A text table of the layers (the ``top`` slowest when > 0) and the totals."""
        rows = sorted(self.layers, key=lambda r: -r.latency_s)[:top] if top else self.layers
        lines = [f"{'layer':32} {'op':18} {'w/a bits':>8} {'pattern':>12} {'MMACs':>9} {'eff MMACs':>9} "
                 f"{'DRAM KB':>9} {'FLOP/B':>8} {'us':>9} bound"]
        for r in rows:
            lines.append(f"{r.name[:32]:32} {r.op[:18]:18} {r.weight_bits:>3}/{r.act_bits:<4} {r.pattern:>12} "
                         f"{r.macs / 1e6:9.2f} {r.effective_macs / 1e6:9.2f} {r.dram_bytes / 1e3:9.1f} "
                         f"{r.intensity:8.1f} {r.latency_s * 1e6:9.1f} {r.bound}")
        d = self.as_dict()
        lines.append(f"total: {len(self.layers)} layers, {d['macs'] / 1e6:.1f} MMACs ({d['effective_macs'] / 1e6:.1f} "
                     f"effective), {d['dram_bytes'] / 1e6:.2f} MB DRAM, {d['compute_bound_layers']} compute-bound, "
                     f"latency {self.latency_s * 1e3:.3f} ms on {self.hardware.name} ({self.bits_from})")
        return "\n".join(lines)


def _index_bits(pattern: str, hw: Hardware) -> float:
    """Index bits stored per nonzero weight of ``pattern``."""
    parsed = parse_pattern(pattern)
    if parsed.kind == "nm":
        return math.ceil(math.log2(parsed.m))
    if parsed.kind == "block":
        return hw.sparse_index_bits / (parsed.n * parsed.m)
    return 0.0 if parsed.kind == "channel" else hw.sparse_index_bits


def _sparse_speedup(node: Node, cost, hw: Hardware) -> tuple[str, float]:
    """The pattern the hardware runs the node's weight with (its recorded one, else unstructured when the
    hardware exploits only that) and the speedup (the hardware's, capped by dense / nonzero MACs)."""
    record = node.meta.get(META_KEY)
    if record is None or not cost.sparse_macs or cost.sparse_macs >= cost.macs:
        return "dense", 1.0
    pattern = str(record["pattern"])
    if pattern not in hw.sparse_speedup and "unstructured" in hw.sparse_speedup:
        pattern = "unstructured"
    speedup = min(cost.macs / cost.sparse_macs, hw.sparse_speedup.get(pattern, 1.0))
    return (pattern, speedup) if speedup > 1.0 else ("dense", 1.0)


def _supported(bits: int, what: str, node: Node, hw: Hardware) -> int:
    if bits not in hw.bit_widths:
        raise OptionError(f"{what} quantized to {bits} bits, which {hw.name} does not support "
                          f"(bit_widths {list(hw.bit_widths)})", node=node.name,
                          hint=f"quantize at one of {list(hw.bit_widths)} bits, or add {bits} to the hardware YAML")
    return bits


def _act_bits(graph: Graph, tensor: str, node: Node, hw: Hardware) -> int:
    tq = annotations.tensor_quant(graph, tensor)
    return hw.mac_bits if tq is None else _supported(tq.bits, f"activation '{tensor}'", node, hw)


def _layer(graph: Graph, node: Node, cost, hw: Hardware, outputs: set[str], inputs: set[str]) -> LayerPerf:
    weight = graph.params.get(node.inputs[1]) if node.op in LINEAR_OPS and len(node.inputs) > 1 else None
    act_tensors = [t for t in dict.fromkeys(node.inputs) if t and t not in graph.params] + list(node.outputs)
    bits = {t: _act_bits(graph, t, node, hw) for t in act_tensors}
    act_bits = max(bits.values(), default=hw.mac_bits)
    wq = annotations.weight_quant(node)
    weight_bits = act_bits if weight is None else hw.mac_bits if wq is None else \
        _supported(wq.bits, f"weight '{node.inputs[1]}'", node, hw)
    width = max(weight_bits, act_bits)
    pattern, speedup = _sparse_speedup(node, cost, hw)
    effective = cost.macs / speedup if cost.macs else 0.0
    bias = annotations.weight_quant(node, "bias")
    others = [t for t in dict.fromkeys(node.inputs) if t in graph.params and graph.params[t] is not weight]
    weight_bytes = sum(graph.params[t].size * (bias.bits if bias and t == node.inputs[2] else 32) / 8
                       for t in others)  # biases at their annotated bits, other params at 32
    if weight is not None:
        dense_bytes = weight.size * weight_bits / 8
        nnz = int(np.count_nonzero(weight))
        weight_bytes += dense_bytes if pattern == "dense" else \
            min(dense_bytes, nnz * (weight_bits + _index_bits(pattern, hw)) / 8)
    sizes = {t: math.prod(graph.spec(t).shape) * bits[t] / 8 for t in act_tensors}
    act_bytes = float(sum(sizes.values()))
    fits = weight_bytes + act_bytes <= hw.sram_kib * 1024
    io_bytes = sum(size for t, size in sizes.items() if t in inputs or t in outputs)
    dram = weight_bytes + (io_bytes if fits else act_bytes)
    compute = effective / (hw.mac_array * hw.mac_bits / width * hw.clock_hz) + \
        cost.element_flops / (hw.vector_lanes * hw.clock_hz)
    memory = dram / (hw.dram_gbps * 1e9)
    return LayerPerf(node.name, cost.op, weight_bits, act_bits, pattern, cost.macs, effective, cost.element_flops,
                     float(weight_bytes), act_bytes, float(dram), compute, memory,
                     max(compute, memory) + hw.layer_overhead_us * 1e-6, "compute" if compute >= memory else "memory")


def estimate(graph: Graph, hw: Hardware) -> PerfReport:
    """Per-layer and total estimates of ``graph`` (the fused IR, quantized and sparse where it is) on ``hw``."""
    costs = complexity(graph, flops_per_mac=1).layers
    inputs, outputs = {s.name for s in graph.inputs}, set(graph.outputs)
    layers = [_layer(graph, node, cost, hw, outputs, inputs) for node, cost in zip(graph.nodes, costs, strict=True)]
    quant = annotations.describe(graph)
    overrides = len((annotations.graph_quant(graph) or {}).get("layers", {}))
    bits_from = f"float IR: weights and activations assumed {hw.mac_bits}-bit (the hardware's mac_bits)" \
        if quant is None else (f"quantization annotations: {quant['strategy']} {quant['weight_quan']}, "
                               f"W{quant['weight_bits']}/A{quant['act_bits']}"
                               + (f", per-layer options on {overrides} node(s)" if overrides else ""))
    return PerfReport(hw, layers, bits_from)
