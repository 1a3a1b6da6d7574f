"""The ``integer`` kernel variant: true integer execution of ``*_t`` graphs.

Products are summed exactly: int8 x int8 sums stay far below 2**53, so the float kernels run
on float64 copies of the integers (BLAS speed) and give the exact integer accumulator, which
``test_integer`` checks against an int64 reference. Requantization, saturation, pools and
tables then work on int64, by the one rounding rule of ``frontc.quant.fixed_point``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from frontc.interpreter.registry import get_kernel, kernel
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph, Node
from frontc.quant.annotations import TensorQuant, node_quant
from frontc.quant.fixed_point import divide_round, requantize, round_half_up
from frontc.quant.integer_params import TABLE_ACTIVATIONS
from frontc.quant.lut import lookup

VARIANT = "integer"
MOVES = ("Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Slice", "Split",
         "SpaceToDepth", "DepthToSpace", "MaxPool", "GlobalMaxPool")
ROUNDED = ("AvgPool", "GlobalAvgPool", "Resize")
INTEGER_OPS = ("Conv", "ConvTranspose", "Dense", "Add", "Sub", "Mul", "Div", "Concat", "Relu", "Relu6", "Clip",
               "Softmax", *MOVES, *ROUNDED, *TABLE_ACTIVATIONS)


def check_supported(graph: Graph, strategy: str) -> None:
    """OptionError listing every op (and form) ``strategy`` cannot execute in integers, with node names."""
    missing: dict[str, list[str]] = {}
    for node in graph.nodes:
        form = node.op if node.op in INTEGER_OPS else f"{node.op} (no integer kernel)"
        if node.op in ("Add", "Sub", "Mul", "Div"):
            consts = [t in graph.params for t in node.inputs]
            if all(consts):
                form = f"{node.op} of two constants"
            elif node.op == "Div" and not consts[1]:
                form = "Div by a computed tensor"
            elif node.op == "Sub" and node.inputs[0] == node.inputs[1]:
                form = "Sub of a tensor from itself"
        if form != node.op:
            missing.setdefault(form, []).append(node.name)
    if missing:
        what = "; ".join(f"{form}: node '{names[0]}'" + (f" and {len(names) - 1} more" if len(names) > 1 else "")
                         for form, names in sorted(missing.items()))
        raise OptionError(f"{strategy} cannot execute in integers: {what}",
                          hint=f"use {strategy[:-2]} (fake quantization) for this graph")


def _inputs(ins: list[Any], node: Node) -> list[Any]:
    """Graph inputs (float) quantized by the node's input annotations; integer inputs unchanged."""
    from frontc.quant.quantize import quantize_values
    read = node_quant(node).get("inputs", {})
    return [quantize_values(v, TensorQuant.from_meta(read[t])) if t in read else v
            for t, v in zip(node.inputs, ins)]


def _centered(ins: list[Any], node: Node) -> list[Any]:
    """Inputs minus the zero points the node's ``zero_points`` lists (asymmetric imported models)."""
    zps = node_quant(node).get("zero_points", {})
    return [v.astype(np.int64) - np.asarray(zps[t], np.int64) if t in zps else v for t, v in zip(node.inputs, ins)]


def _out(node: Node, i: int = 0) -> TensorQuant:
    return TensorQuant.from_meta(node_quant(node)["outputs"][node.outputs[i]])


def _finish(value: np.ndarray, tq: TensorQuant) -> np.ndarray:
    return np.clip(value + tq.zero_point, tq.qmin, tq.qmax).astype(tq.dtype)


def accumulate(op: str, ins: list[Any], attrs: dict[str, Any]) -> np.ndarray:
    """sum(q_x * q_w) of a Conv/ConvTranspose/Dense, exact, as int64 (computed in float64)."""
    plain = {k: v for k, v in attrs.items() if k not in ("activation", "activation_params")}
    acc = get_kernel(op)([ins[0].astype(np.float64), ins[1].astype(np.float64)], plain)
    return acc.astype(np.int64)


def _clamp_bounds(act: str, params: list[float], tq: TensorQuant) -> tuple[int, int]:
    lo, hi = tq.qmin, tq.qmax
    if act in ("Relu", "Relu6", "Clip"):
        low = params[0] if act == "Clip" and params else 0.0
        lo = max(lo, int(round_half_up(np.float64(low) / float(tq.scale))) + int(tq.zero_point))
    if act in ("Relu6", "Clip"):
        high = 6.0 if act == "Relu6" else (params[1] if len(params) > 1 else np.inf)
        if np.isfinite(high):
            hi = min(hi, int(round_half_up(np.float64(high) / float(tq.scale))) + int(tq.zero_point))
    return lo, hi


@kernel("Conv", "ConvTranspose", "Dense", variant=VARIANT)
def weighted(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray:
    ins = _inputs(ins, node)
    nq = node_quant(node)
    x, w = TensorQuant.from_meta(nq["x"]), TensorQuant.from_meta(nq["weight"])
    if np.any(x.zero_point) or np.any(w.zero_point):  # asymmetric: sum (q_x - z_x)(q_w - z_w), pads real 0
        ins = [ins[0].astype(np.int64) - int(x.zero_point),
               ins[1].astype(np.int64) - w.broadcast(np.asarray(w.zero_point, np.int64), ins[1].ndim), *ins[2:]]
    acc = accumulate(node.op, ins, attrs)
    axis = 1 if node.op != "Dense" else acc.ndim - 1
    if len(ins) > 2 and ins[2] is not None:
        shape = [1] * acc.ndim
        shape[axis] = -1
        acc = acc + ins[2].astype(np.int64).reshape(shape)
    def scaled(key: str) -> np.ndarray:
        more = [(ins[3], nq[f"{key}_residual"])] if f"{key}_residual" in nq else []
        return requantize(acc, nq[key], axis, more)

    y = scaled("requant")
    if "negative" in nq:
        y = np.where(y >= 0, y, scaled("negative"))
    out = _out(node)
    if "lut" in nq:
        pre = TensorQuant.from_meta(nq["pre"])
        return lookup(np.clip(y, pre.qmin, pre.qmax), nq["lut"]).astype(out.dtype)
    lo, hi = _clamp_bounds(attrs["activation"], attrs["activation_params"], out)
    return np.clip(y + out.zero_point, lo, hi).astype(out.dtype)


def _computed(ins: list[Any], node: Node) -> list[tuple[str, Any]]:
    """(tensor, integer value) of the operands that are not the node's constant."""
    const = node_quant(node).get("constant")
    return [(t, v) for i, (t, v) in enumerate(zip(node.inputs, _centered(_inputs(ins, node), node))) if i != const]


@kernel("Add", "Sub", variant=VARIANT)
def linear(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray:
    """round((q_a m_a +- q_b m_b [+ offset]) / 2**n): one shared shift, one rounding, broadcasting."""
    nq = node_quant(node)
    (ta, a), *rest = _computed(ins, node)
    more = [(v, nq["rescale"][t]) for t, v in rest]
    y = requantize(a, nq["rescale"][ta], None, more, nq.get("offset", 0))
    return _finish(np.broadcast_to(y, np.broadcast_shapes(*(np.shape(v) for v in ins))), _out(node))


@kernel("Concat", variant=VARIANT)
def concat(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray:
    rescale = node_quant(node)["rescale"]
    parts = [requantize(v, rescale[t]) for t, v in zip(node.inputs, _centered(_inputs(ins, node), node))]
    return _finish(np.concatenate(parts, axis=attrs["axis"]), _out(node))


@kernel("Mul", "Div", variant=VARIANT)
def multiply(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray:
    """Requantize q_a * q_b (or q_a alone, by the constant's signed multipliers, element by element)."""
    product = math.prod(v.astype(np.int64) for _, v in _computed(ins, node))
    y = requantize(product, node_quant(node)["requant"])
    return _finish(np.broadcast_to(y, np.broadcast_shapes(*(np.shape(v) for v in ins))), _out(node))


@kernel("Relu", "Relu6", "Clip", variant=VARIANT)
def clamp(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray:
    (x,) = _inputs(ins, node)[:1]
    out = _out(node)
    params = [attrs["min"], attrs["max"]] if node.op == "Clip" else []
    lo, hi = _clamp_bounds(node.op, params, out)
    return np.clip(x, lo, hi).astype(out.dtype)


@kernel(*TABLE_ACTIVATIONS, variant=VARIANT)
def table(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray:
    (x,) = _inputs(ins, node)
    return lookup(x, node_quant(node)["lut"]).astype(_out(node).dtype)


@kernel("Softmax", variant=VARIANT)
def softmax(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray:
    """e = table[max - q] (exp scaled by 2**20), y = round(e * m / (sum(e) * 2**n)) with m / 2**n ~ 1 / s_y."""
    (x,) = _inputs(ins, node)
    nq = node_quant(node)
    q = x.astype(np.int64)
    e = lookup(q.max(axis=attrs["axis"], keepdims=True) - q, nq["lut"])
    total = e.sum(axis=attrs["axis"], keepdims=True)
    m, n = int(nq["requant"]["multiplier"]), int(nq["requant"]["shift"])
    return _finish(divide_round((e * m) << max(-n, 0), total << max(n, 0)), _out(node))


@kernel(*MOVES, variant=VARIANT)
def move(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray | list[np.ndarray]:
    return get_kernel(node.op)(_inputs(ins, node), attrs)


@kernel(*ROUNDED, variant=VARIANT)
def rounded(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray:
    """Averages and interpolations of the integers, exact in float64, rounded by the rule; a pool with
    ``requant`` (an imported model's rescaling GlobalAvgPool) requantizes its exact sum instead."""
    ins = _inputs(ins, node)
    out = _out(node)
    if "requant" in node_quant(node):
        (x,) = _centered(ins, node)
        total = x.astype(np.int64).sum(axis=tuple(range(2, x.ndim)), keepdims=True)
        return _finish(requantize(total, node_quant(node)["requant"]), out)
    y = get_kernel(node.op)([ins[0].astype(np.float64), *ins[1:]], attrs)
    return np.clip(round_half_up(y), out.qmin, out.qmax).astype(out.dtype)
