"""ONNX Reduce*: axes moved from an attribute to an input (ReduceSum in opset 13, the others in
opset 18); ArgMax/ArgMin, TopK and CumSum."""
from __future__ import annotations

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError

REDUCE = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2")


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
@REGISTRY.register("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", since=18)
def reduce_input(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Reduce* with ``axes`` as an optional constant input."""
    return reduce(node, ctx, ctx.ints(node, 1, "axes"))


@REGISTRY.register("ArgMax", "ArgMin", since=1)
def arg_reduce(node: OnnxNode, ctx: Context) -> Value:
    """ONNX ArgMax / ArgMin (select_last_index from opset 12)."""
    attrs = {"axis": node.attr("axis", 0), "keepdims": node.attr("keepdims", 1),
             "select_last_index": node.attr("select_last_index", 0)}
    return ctx.emit(node, node.op, [ctx.x(node, 0)], attrs)


def top_k(node: OnnxNode, ctx: Context, k: int) -> list[Value]:
    if not node.attr("sorted", 1):
        raise UnsupportedOpError("TopK with sorted=0 is not supported (its order is unspecified)",
                                 node=node.name, hint="export with sorted=1")
    attrs = {"k": k, "axis": node.attr("axis", -1), "largest": node.attr("largest", 1)}
    return ctx.emit(node, "TopK", [ctx.x(node, 0)], attrs, outputs=2)


@REGISTRY.register("TopK", since=1)
def top_k_attr(node: OnnxNode, ctx: Context) -> list[Value]:
    """ONNX TopK-1: ``k`` attribute."""
    return top_k(node, ctx, node.attrs["k"])


@REGISTRY.register("TopK", since=10)
def top_k_input(node: OnnxNode, ctx: Context) -> list[Value]:
    """ONNX TopK from opset 10: ``k`` as a constant input (largest / sorted from opset 11)."""
    return top_k(node, ctx, ctx.ints(node, 1, "K")[0])


@REGISTRY.register("CumSum", since=11)
def cum_sum(node: OnnxNode, ctx: Context) -> Value:
    """ONNX CumSum: ``axis`` as a constant input."""
    attrs = {"axis": ctx.ints(node, 1, "axis")[0], "exclusive": node.attr("exclusive", 0),
             "reverse": node.attr("reverse", 0)}
    return ctx.emit(node, "CumSum", [ctx.x(node, 0)], attrs)
