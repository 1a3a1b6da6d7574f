"""ONNX ReduceMean/Sum/Max/Min: axes moved from an attribute to an input
(ReduceSum in opset 13, the others in opset 18)."""
from __future__ import annotations

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value

REDUCE = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin")


def reduce(node: OnnxNode, ctx: Context, axes: list[int] | None) -> Value:
    x = ctx.x(node, 0)
    if not axes and node.attr("noop_with_empty_axes", 0):
        return ctx.emit(node, "Identity", [x])
    return ctx.emit(node, node.op, [x], {"axes": axes or [], "keepdims": node.attr("keepdims", 1)})


@REGISTRY.register(*REDUCE, since=1)
def reduce_attr(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Reduce* with ``axes`` as an attribute (every axis when absent)."""
    return reduce(node, ctx, node.attr("axes"))


@REGISTRY.register("ReduceSum", since=13)
@REGISTRY.register("ReduceMean", "ReduceMax", "ReduceMin", since=18)
def reduce_input(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Reduce* with ``axes`` as an optional constant input."""
    return reduce(node, ctx, ctx.ints(node, 1, "axes"))
