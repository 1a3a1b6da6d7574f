"""ONNX ops that are compositions of IR ops: Trilu, ReduceL1/SumSquare/LogSum/LogSumExp, Hardmax,
OneHot, Selu, Celu, ThresholdedRelu, Shrink, Mish."""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError


def _scalar(ctx: Context, node: OnnxNode, value: float, dtype: str, name: str) -> Value:
    return ctx.constant(np.asarray(value, dtype=dtype), f"{node.name}/{name}")


def _float(node: OnnxNode, ctx: Context, x: Value) -> str:
    dtype = ctx.dtype(x)
    if not dtype.startswith("float"):
        raise UnsupportedOpError(f"{node.op} of {dtype} tensors is not supported", node=node.name)
    return dtype


@REGISTRY.register("Trilu", since=14)
def trilu(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Trilu (constant k) -> Where(constant band mask, x, 0)."""
    x = ctx.x(node, 0)
    k = ctx.ints(node, 1, "k")
    shape = ctx.shape(x)
    n, m = shape[-2:]
    keep = np.triu(np.ones((n, m), bool), k[0] if k else 0) if node.attr("upper", 1) else \
        np.tril(np.ones((n, m), bool), k[0] if k else 0)
    zero = _scalar(ctx, node, 0, ctx.dtype(x), "zero")
    return ctx.emit(node, "Where", [ctx.constant(keep, f"{node.name}/mask"), x, zero])


def _axes(node: OnnxNode, ctx: Context) -> list[int] | None:
    return node.attr("axes") if node.opset < 18 else ctx.ints(node, 1, "axes")


@REGISTRY.register("ReduceL1", "ReduceSumSquare", "ReduceLogSum", since=1)
def reduce_composite(node: OnnxNode, ctx: Context) -> Value:
    """ONNX ReduceL1 = ReduceSum(Abs), ReduceSumSquare = ReduceSum(x * x), ReduceLogSum = Log(ReduceSum)."""
    x = ctx.x(node, 0)
    if node.op == "ReduceL1":
        x = ctx.emit(node, "Abs", [x], suffix="abs")
    elif node.op == "ReduceSumSquare":
        x = ctx.emit(node, "Mul", [x, x], suffix="square")
    else:
        _float(node, ctx, x)
    axes = _axes(node, ctx) or []
    if not axes and node.attr("noop_with_empty_axes", 0):
        total = x if node.op != "ReduceLogSum" else ctx.emit(node, "Identity", [x], suffix="sum")
    else:
        total = ctx.emit(node, "ReduceSum", [x], {"axes": axes, "keepdims": node.attr("keepdims", 1)},
                         suffix="sum" if node.op == "ReduceLogSum" else "")
    return ctx.emit(node, "Log", [total]) if node.op == "ReduceLogSum" else total


@REGISTRY.register("ReduceLogSumExp", since=1)
def reduce_log_sum_exp(node: OnnxNode, ctx: Context) -> Value:
    """ONNX ReduceLogSumExp = log(sum(exp(x - max))) + max, computed stably."""
    x = ctx.x(node, 0)
    _float(node, ctx, x)
    axes = _axes(node, ctx) or []
    keep = node.attr("keepdims", 1)
    peak = ctx.emit(node, "ReduceMax", [x], {"axes": axes, "keepdims": 1}, suffix="max")
    shifted = ctx.emit(node, "Exp", [ctx.emit(node, "Sub", [x, peak], suffix="shifted")], suffix="exp")
    total = ctx.emit(node, "ReduceSum", [shifted], {"axes": axes, "keepdims": keep}, suffix="sum")
    peak_out = peak if keep else ctx.emit(node, "ReduceMax", [x], {"axes": axes, "keepdims": 0}, suffix="max_out")
    return ctx.emit(node, "Add", [ctx.emit(node, "Log", [total], suffix="log"), peak_out])


def _positions(node: OnnxNode, ctx: Context, size: int, axis: int, rank: int, dtype: str) -> Value:
    shape = [1] * rank
    shape[axis] = size
    return ctx.constant(np.arange(size, dtype=dtype).reshape(shape), f"{node.name}/positions")


@REGISTRY.register("Hardmax", since=13)
def hardmax(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Hardmax -> 1 at the first maximum along ``axis``: Cast(Equal(ArgMax, positions))."""
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    axis = node.attr("axis", -1) % len(shape)
    index = ctx.emit(node, "ArgMax", [x], {"axis": axis, "keepdims": 1}, suffix="argmax")
    hit = ctx.emit(node, "Equal", [index, _positions(node, ctx, shape[axis], axis, len(shape), "int64")],
                   suffix="hit")
    return ctx.emit(node, "Cast", [hit], {"to": ctx.dtype(x)})


@REGISTRY.register("OneHot", since=9)
def one_hot(node: OnnxNode, ctx: Context) -> Value:
    """ONNX OneHot (constant depth and values) -> Where(Equal(indices, positions), on, off); negative
    indices count from the end."""
    indices = ctx.x(node, 0)
    depth = int(ctx.need_const(node, 1, "depth").reshape(-1)[0])
    values = ctx.need_const(node, 2, "values")
    rank = len(ctx.shape(indices)) + 1
    axis = node.attr("axis", -1) % rank
    dtype = ctx.dtype(indices)
    wrapped = ctx.emit(node, "Where", [ctx.emit(node, "Less", [indices, _scalar(ctx, node, 0, dtype, "zero")],
                                                suffix="negative"),
                                       ctx.emit(node, "Add", [indices, _scalar(ctx, node, depth, dtype, "depth")],
                                                suffix="plus_depth"), indices], suffix="wrapped")
    expanded = ctx.emit(node, "Unsqueeze", [wrapped], {"axes": [axis]}, suffix="expanded")
    hit = ctx.emit(node, "Equal", [expanded, _positions(node, ctx, depth, axis, rank, dtype)], suffix="hit")
    off, on = (ctx.constant(values.reshape(-1)[i], f"{node.name}/{k}") for i, k in ((0, "off"), (1, "on")))
    return ctx.emit(node, "Where", [hit, on, off])


@REGISTRY.register("Selu", "Celu", "ThresholdedRelu", "Shrink", "Mish", since=1)
def activation(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Selu (gamma * Elu), Celu (alpha * Elu(x / alpha)), ThresholdedRelu (Where x > alpha),
    Shrink (Where chains) and Mish (x * tanh(softplus(x)))."""
    x = ctx.x(node, 0)
    dtype = _float(node, ctx, x)
    c = lambda value, name: _scalar(ctx, node, value, dtype, name)  # noqa: E731
    if node.op == "Selu":
        elu = ctx.emit(node, "Elu", [x], {"alpha": float(node.attr("alpha", 1.67326319217681884765625))},
                       suffix="elu")
        return ctx.emit(node, "Mul", [elu, c(node.attr("gamma", 1.05070102214813232421875), "gamma")])
    if node.op == "Celu":
        alpha = float(node.attr("alpha", 1.0))
        elu = ctx.emit(node, "Elu", [ctx.emit(node, "Div", [x, c(alpha, "alpha")], suffix="scaled")], suffix="elu")
        return ctx.emit(node, "Mul", [elu, c(alpha, "alpha_out")])
    if node.op == "ThresholdedRelu":
        above = ctx.emit(node, "Greater", [x, c(node.attr("alpha", 1.0), "alpha")], suffix="above")
        return ctx.emit(node, "Where", [above, x, c(0, "zero")])
    if node.op == "Shrink":
        lambd, bias = float(node.attr("lambd", 0.5)), float(node.attr("bias", 0.0))
        low = ctx.emit(node, "Less", [x, c(-lambd, "minus_lambd")], suffix="low")
        high = ctx.emit(node, "Greater", [x, c(lambd, "lambd")], suffix="high")
        inner = ctx.emit(node, "Where", [low, ctx.emit(node, "Add", [x, c(bias, "bias")], suffix="plus"), c(0, "zero")],
                         suffix="low_side")
        return ctx.emit(node, "Where", [high, ctx.emit(node, "Sub", [x, c(bias, "bias2")], suffix="minus"), inner])
    softplus = ctx.emit(node, "Softplus", [x], suffix="softplus")
    return ctx.emit(node, "Mul", [x, ctx.emit(node, "Tanh", [softplus], suffix="tanh")])
