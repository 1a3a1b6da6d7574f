"""ONNX pooling: MaxPool, AveragePool (auto_pad made explicit) and the global pools."""
from __future__ import annotations

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.frontends.onnx.conv import window_attrs
from frontc.ir.errors import UnsupportedOpError


def pool_attrs(node: OnnxNode, ctx: Context, x: Value) -> dict:
    kernel = list(node.attrs["kernel_shape"])
    attrs = window_attrs(node, ctx.shape(x)[2:], kernel)
    attrs.update(kernel_shape=kernel, ceil_mode=node.attr("ceil_mode", 0))
    return attrs


@REGISTRY.register("MaxPool", since=1)
def max_pool(node: OnnxNode, ctx: Context) -> Value:
    """ONNX MaxPool (the Indices output is not supported)."""
    if len(node.outputs) > 1 and node.outputs[1]:
        raise UnsupportedOpError("MaxPool with an Indices output is not supported", node=node.name)
    x = ctx.x(node, 0)
    return ctx.emit(node, "MaxPool", [x], pool_attrs(node, ctx, x))


@REGISTRY.register("AveragePool", since=1)
def average_pool(node: OnnxNode, ctx: Context) -> Value:
    """ONNX AveragePool -> AvgPool (auto_pad padding is never counted, as in ONNX)."""
    x = ctx.x(node, 0)
    attrs = pool_attrs(node, ctx, x)
    attrs.pop("dilations")
    if any(d != 1 for d in node.attr("dilations", [])):
        raise UnsupportedOpError("AveragePool with dilations is not supported", node=node.name)
    attrs["count_include_pad"] = node.attr("count_include_pad", 0)
    return ctx.emit(node, "AvgPool", [x], attrs)


@REGISTRY.register("GlobalAveragePool", "GlobalMaxPool", since=1)
def global_pool(node: OnnxNode, ctx: Context) -> Value:
    """ONNX GlobalAveragePool -> GlobalAvgPool, GlobalMaxPool -> GlobalMaxPool."""
    op = "GlobalAvgPool" if node.op == "GlobalAveragePool" else "GlobalMaxPool"
    return ctx.emit(node, op, [ctx.x(node, 0)])
