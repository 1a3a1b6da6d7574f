"""Elementwise ONNX ops: arithmetic (binary and n-ary), unary math and activations."""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value

BINARY = ("Add", "Sub", "Mul", "Div", "Pow")
UNARY = ("Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Erf", "Round", "Sign",
         "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh",
         "Softplus", "Softsign",
         "Relu", "Sigmoid", "Tanh")
WITH_ATTRS = {"LeakyRelu": ("alpha",), "Elu": ("alpha",), "HardSigmoid": ("alpha", "beta")}


@REGISTRY.register(*BINARY, since=1)
def binary(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Add, Sub, Mul, Div, Pow (numpy broadcasting, opset >= 7)."""
    return ctx.emit(node, node.op, [ctx.x(node, 0), ctx.x(node, 1)])


def chain(node: OnnxNode, ctx: Context, op: str, last: str = "") -> Value:
    """Fold the node's inputs left to right with binary ``op``; ``last`` names the final step."""
    values = [ctx.x(node, i) for i in range(len(node.inputs))]
    if len(values) == 1:
        return ctx.emit(node, "Identity", values, suffix=last)
    acc = values[0]
    for i, value in enumerate(values[1:], start=1):
        acc = ctx.emit(node, op, [acc, value], suffix=last if i == len(values) - 1 else f"{op}{i}")
    return acc


@REGISTRY.register("Sum", since=1)
def sum_(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Sum (n-ary): a chain of Adds."""
    return chain(node, ctx, "Add")


@REGISTRY.register("Max", "Min", since=1)
def max_min(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Max, Min (n-ary): a chain of binary Max/Min."""
    return chain(node, ctx, node.op)


@REGISTRY.register("Mean", since=1)
def mean(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Mean (n-ary): a chain of Adds divided by the input count."""
    if len(node.inputs) == 1:
        return ctx.emit(node, "Identity", [ctx.x(node, 0)])
    total = chain(node, ctx, "Add", last="sum")
    count = ctx.constant(np.asarray(len(node.inputs), dtype=ctx.dtype(total)), f"{node.name}/count")
    return ctx.emit(node, "Div", [total, count])


@REGISTRY.register(*UNARY, "HardSwish", since=1)
def unary(node: OnnxNode, ctx: Context) -> Value:
    """ONNX unary math and parameterless activations, one to one."""
    return ctx.emit(node, node.op, [ctx.x(node, 0)])


@REGISTRY.register(*WITH_ATTRS, since=1)
def activation(node: OnnxNode, ctx: Context) -> Value:
    """ONNX LeakyRelu, Elu, HardSigmoid (their defaults equal the IR's)."""
    attrs = {k: float(node.attrs[k]) for k in WITH_ATTRS[node.op] if k in node.attrs}
    return ctx.emit(node, node.op, [ctx.x(node, 0)], attrs)


@REGISTRY.register("PRelu", since=1)
def prelu(node: OnnxNode, ctx: Context) -> Value:
    """ONNX PRelu: slope broadcast to X."""
    return ctx.emit(node, "PRelu", [ctx.x(node, 0), ctx.x(node, 1)])


@REGISTRY.register("Clip", since=1)
def clip_attrs(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Clip before opset 11: min and max are attributes."""
    attrs = {k: float(node.attrs[k]) for k in ("min", "max") if k in node.attrs}
    return ctx.emit(node, "Clip", [ctx.x(node, 0)], attrs)


@REGISTRY.register("Clip", since=11)
def clip_inputs(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Clip from opset 11: min and max are optional constant inputs."""
    attrs = {}
    for i, key in ((1, "min"), (2, "max")):
        bound = ctx.need_const(node, i, key)
        if bound is not None:
            attrs[key] = float(bound)
    return ctx.emit(node, "Clip", [ctx.x(node, 0)], attrs)


@REGISTRY.register("Softmax", "LogSoftmax", since=1)
def softmax_2d(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Softmax / LogSoftmax before opset 13: the input is coerced to 2-d at ``axis`` (default 1)."""
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    axis = node.attr("axis", 1) % max(len(shape), 1)
    if axis == len(shape) - 1:
        return ctx.emit(node, node.op, [x], {"axis": -1})
    rows = 1
    for d in shape[:axis]:
        rows *= d
    flat = ctx.emit(node, "Reshape", [x], {"shape": [rows, -1]}, suffix="flatten")
    soft = ctx.emit(node, node.op, [flat], {"axis": 1}, suffix="softmax")
    return ctx.emit(node, "Reshape", [soft], {"shape": list(shape)})


@REGISTRY.register("Softmax", "LogSoftmax", since=13)
def softmax(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Softmax / LogSoftmax from opset 13: along one axis (default -1)."""
    return ctx.emit(node, node.op, [ctx.x(node, 0)], {"axis": node.attr("axis", -1)})


@REGISTRY.register("Gelu", since=20)
def gelu(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Gelu (exact, or ``approximate='tanh'``)."""
    return ctx.emit(node, "Gelu", [ctx.x(node, 0)], {"approximate": node.attr("approximate", "none")})


@REGISTRY.register("Det", since=11)
def det(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Det: the determinant of each square matrix in the last two axes."""
    return ctx.emit(node, "Det", [ctx.x(node, 0)])


@REGISTRY.register("Mod", since=10)
def mod(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Mod (fmod=0: sign of the divisor; fmod=1: C fmod)."""
    return ctx.emit(node, "Mod", [ctx.x(node, 0), ctx.x(node, 1)], {"fmod": node.attr("fmod", 0)})
