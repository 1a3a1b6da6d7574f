"""Converters of MXNet arithmetic: elementwise/broadcast binaries, scalar ops, unary math, reductions."""
from __future__ import annotations

from frontc.frontends.mxnet.context import REG, Context
from frontc.frontends.mxnet.symbol import MxNode

BINARY = {
    "Add": ("elemwise_add", "_plus", "_Plus", "_add", "broadcast_add", "broadcast_plus"),
    "Sub": ("elemwise_sub", "_minus", "_Minus", "_sub", "broadcast_sub", "broadcast_minus"),
    "Mul": ("elemwise_mul", "_mul", "_Mul", "broadcast_mul"),
    "Div": ("elemwise_div", "_div", "_Div", "broadcast_div"),
    "Pow": ("_power", "_Power", "broadcast_power"),
    "Max": ("_maximum", "_Maximum", "broadcast_maximum"),
    "Min": ("_minimum", "_Minimum", "broadcast_minimum"),
}
# scalar op -> (IR op, whether the scalar is the left operand)
SCALAR = {
    "_plus_scalar": ("Add", False), "_PlusScalar": ("Add", False),
    "_minus_scalar": ("Sub", False), "_MinusScalar": ("Sub", False),
    "_rminus_scalar": ("Sub", True), "_RMinusScalar": ("Sub", True),
    "_mul_scalar": ("Mul", False), "_MulScalar": ("Mul", False),
    "_div_scalar": ("Div", False), "_DivScalar": ("Div", False),
    "_rdiv_scalar": ("Div", True), "_RDivScalar": ("Div", True),
    "_power_scalar": ("Pow", False), "_PowerScalar": ("Pow", False),
    "_rpower_scalar": ("Pow", True), "_RPowerScalar": ("Pow", True),
    "_maximum_scalar": ("Max", False), "_MaximumScalar": ("Max", False),
    "_minimum_scalar": ("Min", False), "_MinimumScalar": ("Min", False),
}
UNARY = {"sqrt": "Sqrt", "exp": "Exp", "log": "Log", "negative": "Neg", "abs": "Abs",
         "reciprocal": "Reciprocal", "floor": "Floor", "ceil": "Ceil"}
REDUCE = {"mean": "ReduceMean", "sum": "ReduceSum", "max": "ReduceMax", "min": "ReduceMin"}
_BINARY_OP = {name: op for op, names in BINARY.items() for name in names}


@REG.register(*_BINARY_OP)
def binary(node: MxNode, ctx: Context) -> list[str]:
    """MXNet elemwise_* / broadcast_* / _plus-style binaries -> Add, Sub, Mul, Div, Pow, Max, Min."""
    return [ctx.add(_BINARY_OP[node.op], [ctx.x(node, 0), ctx.x(node, 1)], {}, node)]


@REG.register(*SCALAR)
def scalar(node: MxNode, ctx: Context) -> list[str]:
    """MXNet _plus_scalar, _rdiv_scalar, ... -> the binary op with a stored scalar."""
    op, left = SCALAR[node.op]
    x = ctx.x(node, 0)
    value = ctx.constant(node.get_float("scalar"), node, "_scalar", ctx.dtype(x))
    return [ctx.add(op, [value, x] if left else [x, value], {}, node)]


@REG.register(*UNARY)
def unary(node: MxNode, ctx: Context) -> list[str]:
    """MXNet sqrt, exp, log, negative, abs, reciprocal, floor, ceil."""
    return [ctx.add(UNARY[node.op], [ctx.x(node, 0)], {}, node)]


@REG.register("square")
def square(node: MxNode, ctx: Context) -> list[str]:
    """MXNet square -> Mul(x, x)."""
    x = ctx.x(node, 0)
    return [ctx.add("Mul", [x, x], {}, node)]


@REG.register("rsqrt")
def rsqrt(node: MxNode, ctx: Context) -> list[str]:
    """MXNet rsqrt -> Reciprocal(Sqrt(x))."""
    root = ctx.add("Sqrt", [ctx.x(node, 0)], {}, node, "_sqrt")
    return [ctx.add("Reciprocal", [root], {}, node)]


@REG.register("add_n", "ElementWiseSum")
def add_n(node: MxNode, ctx: Context) -> list[str]:
    """MXNet add_n / ElementWiseSum -> a chain of Add."""
    inputs = ctx.xs(node)
    if len(inputs) == 1:
        return [ctx.add("Identity", inputs, {}, node)]
    total = inputs[0]
    for i, other in enumerate(inputs[1:], start=1):
        total = ctx.add("Add", [total, other], {}, node, "" if i == len(inputs) - 1 else f"_add{i}")
    return [total]


@REG.register(*REDUCE)
def reduce(node: MxNode, ctx: Context) -> list[str]:
    """MXNet mean/sum/max/min(axis, keepdims, exclude) -> Reduce*."""
    x = ctx.x(node, 0)
    rank = len(ctx.shape(x))
    axes = sorted({a % rank for a in node.get_ints("axis", ())})
    if node.get_bool("exclude", False):
        axes = [a for a in range(rank) if a not in axes]
        if not axes:
            return [ctx.add("Identity", [x], {}, node)]
    elif not axes:
        axes = list(range(rank))
    keep = int(node.get_bool("keepdims", False))
    return [ctx.add(REDUCE[node.op], [x], {"axes": axes, "keepdims": keep}, node)]
