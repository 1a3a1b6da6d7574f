"""Per-layer latency of a graph on a Hardware: MACs, bytes at the layers' bit widths, roofline bounds.

For each node: MACs and elementwise operations (as ``frontc.analysis.complexity`` counts them);
effective MACs after the sparsity speedup of the weight's pattern (of the patterns its zeros satisfy,
the one with the largest speedup, each capped by the hardware's ``sparse_speedup``; "dense" when none
helps); weight bytes at the weight width (compressed, with index bits, when a pattern is used);
activation bytes at the activation width; DRAM bytes (weights
always; activations only when the layer does not fit in SRAM, graph inputs and outputs always);
compute time = effective MACs / MAC rate at the layer's width + elementwise ops / vector rate;
memory time = DRAM bytes / bandwidth; latency = max(compute, memory) + per-layer overhead.
Widths: an integer param or tensor has its dtype's width; a float one is assumed at the hardware's
native ``mac_bits`` (stated in the report as ``bits_from``).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from frontc.analysis.complexity import LINEAR_OPS, complexity
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph, Node
from frontc.perf.hardware import Hardware

INDEX_BITS = {"2:4": 2, "channel": 0}  # index bits per nonzero of structured patterns


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


def sparsity_patterns(weight: np.ndarray | None) -> list[str]:
    """The patterns a weight's zeros satisfy, most structured first: channel (whole output channels zero), 2:4
    (at least 2 zeros in every 4 along the input), unstructured (any zeros); [] when dense."""
    if weight is None or weight.ndim < 2 or np.count_nonzero(weight) == weight.size:
        return []
    rows = weight.reshape(weight.shape[0], -1) != 0
    found = ["channel"] if rows[rows.any(axis=1)].all() else []
    if rows.shape[1] % 4 == 0 and (rows.reshape(rows.shape[0], -1, 4).sum(axis=2) <= 2).all():
        found.append("2:4")
    return found + ["unstructured"]


def _sparse_speedup(weight: np.ndarray | None, cost, hw: Hardware) -> tuple[str, float]:
    """The pattern the hardware runs the weight with (the largest speedup; on a tie the more structured one,
    which stores fewer index bits) and that speedup."""
    ideal = cost.macs / cost.sparse_macs if cost.sparse_macs else 1.0
    best = ("dense", 1.0)
    for pattern in sparsity_patterns(weight):
        speedup = min(ideal, hw.sparse_speedup.get(pattern, 1.0))
        if speedup > best[1]:
            best = (pattern, speedup)
    return best


def _bits(array_dtype: np.dtype, hw: Hardware) -> int:
    return np.dtype(array_dtype).itemsize * 8 if np.issubdtype(array_dtype, np.integer) else hw.mac_bits


def _layer(graph: Graph, node: Node, cost, hw: Hardware, outputs: set[str], inputs: set[str]) -> LayerPerf:
    weight = graph.params.get(node.inputs[1]) if node.op in LINEAR_OPS and len(node.inputs) > 1 else None
    act_tensors = [t for t in dict.fromkeys(node.inputs) if t and t not in graph.params] + list(node.outputs)
    act_bits = max((_bits(graph.spec(t).dtype, hw) for t in act_tensors), default=hw.mac_bits)
    weight_bits = _bits(weight.dtype, hw) if weight is not None else act_bits
    width = hw.width_for(max(weight_bits, act_bits))
    if width is None:
        raise OptionError(f"{max(weight_bits, act_bits)}-bit operands are wider than any of {hw.name}'s "
                          f"bit_widths {list(hw.bit_widths)}", node=node.name)
    pattern, speedup = _sparse_speedup(weight, cost, hw)
    effective = cost.macs / speedup if cost.macs else 0.0
    params = [graph.params[t] for t in dict.fromkeys(node.inputs) if t in graph.params]
    weight_bytes = sum(p.size * max(_bits(p.dtype, hw), 32) / 8 for p in params if p is not weight)  # biases: 32
    if weight is not None:
        dense_bytes = weight.size * weight_bits / 8
        nnz = int(np.count_nonzero(weight))
        index = INDEX_BITS.get(pattern, hw.sparse_index_bits)
        weight_bytes += min(dense_bytes, nnz * (weight_bits + index) / 8) if pattern != "dense" else dense_bytes
    sizes = {t: math.prod(graph.spec(t).shape) * act_bits / 8 for t in act_tensors}
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
    """Per-layer and total estimates of ``graph`` (the fused IR: quantized and sparse where it is) on ``hw``."""
    costs = complexity(graph, flops_per_mac=1).layers
    inputs, outputs = {s.name for s in graph.inputs}, set(graph.outputs)
    layers = [_layer(graph, node, cost, hw, outputs, inputs) for node, cost in zip(graph.nodes, costs, strict=True)]
    integer = any(np.issubdtype(p.dtype, np.integer) for p in graph.params.values())
    bits_from = "integer dtypes of the IR" if integer else \
        f"float IR: weights and activations assumed {hw.mac_bits}-bit (the hardware's mac_bits)"
    return PerfReport(hw, layers, bits_from)
