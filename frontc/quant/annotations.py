"""The quantization annotation schema: the one module that reads and writes quantization meta.

Graph level, ``graph.meta["quant"]``::

    {"version": 1, "strategy": "symmetry_max_t", "weight_quan": "perchannel", "weight_bits": 8,
     "act_bits": 8, "rounding": "half_up", "integer": true, "inputs": {name: TENSOR}}

Node level, ``node.meta["quant"]`` (every key optional)::

    {"outputs": {tensor: TENSOR},        # each float output's quantization
     "inputs": {tensor: TENSOR},         # graph inputs this node reads (it quantizes them)
     "x": TENSOR,                        # Conv/ConvTranspose/Dense: input X, whose codes are summed exactly
     "weight": TENSOR, "bias": TENSOR,   # W (per-layer or per-channel) and B (scale s_x * s_w, 32 bits)
     # *_t only (integer execution):
     "requant": REQUANT,                 # accumulator -> output (or -> "pre" when a LUT follows)
     "requant_residual": REQUANT,        # Conv's residual -> output, same shift (summed, ONE rounding)
     "negative", "negative_residual": REQUANT,   # fused LeakyRelu: the same for negative values
     "rescale": {tensor: REQUANT},       # Add (shared shift) / Concat inputs -> output scale
     "pre": TENSOR, "lut": {"table": int array, "offset": int},   # table activations
     "accumulator": "int32" | "int64",
     # imported models (frontc.quant.importers) only:
     "zero_points": {tensor: int},       # Add/Concat/Mul/GlobalAvgPool: subtracted from that input first
     "requant": REQUANT}                 # GlobalAvgPool: its exact sum -> a different output scale

``TENSOR = {"scale": float | float array, "zero_point": int | int array, "bits": int,
"signed": bool, "narrow": bool, "axis": int (per-channel only)}`` and
``REQUANT = {"multiplier": int | int array, "shift": int | int array}`` (value * m / 2**shift).
Arrays are numpy arrays, so they are saved in the params NPZ; scales are float32 values.
For ``*_t`` graphs the integer weights and int32 biases are the node's params themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.ir.errors import GraphError
from frontc.ir.graph import Graph, Node
from frontc.ir.validate import register_meta_check

KEY = "quant"
VERSION = 1
ROUNDING = "half_up"  # q = floor(v + 1/2): the one rounding rule of every path


@dataclass(frozen=True)
class TensorQuant:
    """How one tensor is quantized: real = (q - zero_point) * scale, q in [qmin, qmax]."""

    scale: float | np.ndarray
    zero_point: int | np.ndarray = 0
    bits: int = 8
    signed: bool = True
    narrow: bool = False
    axis: int | None = None

    @property
    def qmin(self) -> int:
        low = -(1 << (self.bits - 1)) if self.signed else 0
        return low + 1 if self.narrow else low

    @property
    def qmax(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    @property
    def dtype(self) -> str:
        """The narrowest integer dtype holding [qmin, qmax]."""
        for name in ("int8", "uint8", "int16", "uint16", "int32"):
            info = np.iinfo(name)
            if info.min <= self.qmin and self.qmax <= info.max:
                return name
        return "int64"

    def broadcast(self, value: Any, rank: int) -> Any:
        """A per-channel ``value`` shaped to broadcast along ``axis`` of a rank-``rank`` tensor."""
        if self.axis is None or np.ndim(value) == 0:
            return value
        shape = [1] * rank
        shape[self.axis % rank] = -1
        return np.asarray(value).reshape(shape)

    def to_meta(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scale": _plain(self.scale), "zero_point": _plain(self.zero_point),
                               "bits": self.bits, "signed": self.signed, "narrow": self.narrow}
        if self.axis is not None:
            out["axis"] = self.axis
        return out

    @classmethod
    def from_meta(cls, data: dict[str, Any]) -> TensorQuant:
        try:
            return cls(data["scale"], data.get("zero_point", 0), int(data.get("bits", 8)),
                       bool(data.get("signed", True)), bool(data.get("narrow", False)), data.get("axis"))
        except (KeyError, TypeError, ValueError) as exc:
            raise GraphError(f"malformed quantization annotation {sorted(data)}: {exc}") from None


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value
    return value.item() if isinstance(value, np.generic) else value


# ------------------------------------------------------------------ access
def graph_quant(graph: Graph) -> dict[str, Any] | None:
    """The graph-level annotation, or None for a float graph."""
    return graph.meta.get(KEY)


def node_quant(node: Node) -> dict[str, Any]:
    """The node's annotation (empty for an unannotated node)."""
    return node.meta.get(KEY, {})


def is_quantized(graph: Graph) -> bool:
    return KEY in graph.meta


def is_integer(graph: Graph) -> bool:
    """Whether ``graph`` executes in integer arithmetic (a ``*_t`` strategy)."""
    return bool(graph.meta.get(KEY, {}).get("integer"))


def tensor_quant(graph: Graph, tensor: str) -> TensorQuant | None:
    """The quantization of activation ``tensor`` (a graph input or a node output), if any."""
    q = graph_quant(graph)
    if q is None:
        return None
    if tensor in q.get("inputs", {}):
        return TensorQuant.from_meta(q["inputs"][tensor])
    producer = graph.producer(tensor)
    data = node_quant(producer).get("outputs", {}).get(tensor) if producer is not None else None
    return TensorQuant.from_meta(data) if data is not None else None


def weight_quant(node: Node, which: str = "weight") -> TensorQuant | None:
    data = node_quant(node).get(which)
    return TensorQuant.from_meta(data) if data is not None else None


def dequantize(graph: Graph, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Float values (``(q - zero_point) * scale``, float32) of integer tensors; others unchanged."""
    out = {}
    for name, value in values.items():
        tq = tensor_quant(graph, name)
        if tq is None or not np.issubdtype(value.dtype, np.integer):
            out[name] = value
            continue
        zp, scale = tq.broadcast(tq.zero_point, value.ndim), tq.broadcast(tq.scale, value.ndim)
        out[name] = ((value.astype(np.int64) - zp) * np.asarray(scale, np.float64)).astype(np.float32)
    return out


# ------------------------------------------------------------------ lint
def check_graph(graph: Graph) -> None:
    """Lint rule: every annotation well formed (positive finite scales, matching channel counts,
    zero points in range); GraphError naming the node and tensor."""
    q = graph_quant(graph)
    if q is None:
        if any(KEY in n.meta for n in graph.nodes):
            bad = next(n for n in graph.nodes if KEY in n.meta)
            raise GraphError("node has a quantization annotation but the graph has none",
                             node=bad.name, hint="quantize with frontc.quant.quantize_graph")
        return
    if q.get("version") != VERSION or q.get("rounding") != ROUNDING:
        raise GraphError(f"quantization annotation version {q.get('version')!r} / rounding "
                         f"{q.get('rounding')!r}; this frontc reads version {VERSION}, rounding {ROUNDING}")
    for name, data in q.get("inputs", {}).items():
        _check_tensor(graph, None, name, data, graph.spec(name).shape)
    for node in graph.nodes:
        nq = node_quant(node)
        for name, data in {**nq.get("inputs", {}), **nq.get("outputs", {})}.items():
            _check_tensor(graph, node, name, data, graph.spec(name).shape)
        for tensor, zp in nq.get("zero_points", {}).items():
            if tensor not in node.inputs or np.ndim(zp) or not float(zp).is_integer():
                raise GraphError(f"'zero_points' entry '{tensor}' must be an integer zero point of an input",
                                 node=node.name)
        for key, index in (("weight", 1), ("bias", 2)):
            if key in nq:
                if len(node.inputs) <= index or node.inputs[index] not in graph.params:
                    raise GraphError(f"'{key}' annotation but input {index} is not a param", node=node.name)
                _check_tensor(graph, node, node.inputs[index], nq[key],
                              graph.params[node.inputs[index]].shape)


def _check_tensor(graph: Graph, node: Node | None, name: str, data: Any, shape: tuple[int, ...]) -> None:
    where = node.name if node is not None else None
    if not isinstance(data, dict):
        raise GraphError(f"annotation of '{name}' is not a mapping", node=where)
    tq = TensorQuant.from_meta(data)
    if not 2 <= tq.bits <= 32:
        raise GraphError(f"'{name}' has {tq.bits} bits; 2 to 32 are allowed", node=where)
    scale = np.asarray(tq.scale, np.float64)
    if scale.size == 0 or not np.all(np.isfinite(scale)) or not np.all(scale > 0):
        raise GraphError(f"scale of '{name}' must be positive and finite, got {scale.ravel()[:4].tolist()}",
                         node=where, hint="recalibrate: a tensor's range was empty or not finite")
    zp = np.asarray(tq.zero_point)
    if zp.dtype.kind not in "iu" and not np.all(zp == np.round(zp)):
        raise GraphError(f"zero point of '{name}' must be an integer", node=where)
    if np.any(zp < tq.qmin) or np.any(zp > tq.qmax):
        raise GraphError(f"zero point of '{name}' is outside [{tq.qmin}, {tq.qmax}]", node=where)
    if scale.ndim or zp.ndim:
        if tq.axis is None or not -len(shape) <= tq.axis < len(shape):
            raise GraphError(f"per-channel '{name}' needs a channel axis within its rank {len(shape)}",
                             node=where)
        channels = shape[tq.axis]
        for what, value in (("scales", scale), ("zero points", zp)):
            if value.ndim and value.shape != (channels,):
                raise GraphError(f"'{name}' has {value.size} {what} but {channels} channels on axis {tq.axis}",
                                 node=where)


register_meta_check(KEY, check_graph)


# ------------------------------------------------------------------ display
def describe(graph: Graph) -> dict[str, Any] | None:
    """A JSON-ready summary for ``frontc info``: strategy, bits, counts of annotated tensors."""
    q = graph_quant(graph)
    if q is None:
        return None
    nodes = [node_quant(n) for n in graph.nodes]
    return {k: q[k] for k in ("strategy", "weight_quan", "weight_bits", "act_bits", "rounding", "integer")
            if k in q} | {"tensors": len(q.get("inputs", {})) + sum(len(n.get("outputs", {})) for n in nodes),
                          "weights": sum("weight" in n for n in nodes),
                          "lookup_tables": sum("lut" in n for n in nodes)}


def node_label(node: Node) -> str:
    """One short line for ``frontc viz``: output scale(s) and bits, weight granularity."""
    nq = node_quant(node)
    parts = []
    for data in nq.get("outputs", {}).values():
        tq = TensorQuant.from_meta(data)
        kind = ("i" if tq.signed else "u") + str(tq.bits)
        zp = f" zp {tq.zero_point}" if np.ndim(tq.zero_point) == 0 and tq.zero_point else ""
        parts.append(f"{kind} s={float(np.max(tq.scale)):.3g}{zp}")
    if "weight" in nq:
        tq = TensorQuant.from_meta(nq["weight"])
        parts.append(f"w{'i' if tq.signed else 'u'}{tq.bits}{' /ch' if tq.axis is not None else ''}")
    if "lut" in nq:
        parts.append(f"lut {len(nq['lut']['table'])}")
    return " ".join(parts)
