"""ONNX comparisons, boolean logic and Where (folded when their inputs are constants)."""
from __future__ import annotations

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value


@REGISTRY.register("Equal", "Less", "Greater", "And", "Or", "Xor", since=7)
@REGISTRY.register("LessOrEqual", "GreaterOrEqual", since=12)
def binary(node: OnnxNode, ctx: Context) -> Value:
    """ONNX comparisons and And/Or/Xor (numpy broadcasting): a bool tensor."""
    return ctx.emit(node, node.op, [ctx.x(node, 0), ctx.x(node, 1)])


@REGISTRY.register("Not", since=1)
def not_(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Not."""
    return ctx.emit(node, "Not", [ctx.x(node, 0)])


@REGISTRY.register("Where", since=9)
def where(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Where(condition, X, Y)."""
    return ctx.emit(node, "Where", [ctx.x(node, i) for i in range(3)])
