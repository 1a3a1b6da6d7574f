"""ONNX pooling: MaxPool, AveragePool (auto_pad made explicit) and the global pools."""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.frontends.onnx.conv import window_attrs
from frontc.ir.errors import UnsupportedOpError
from frontc.ir.ops.common import window_out


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
    """ONNX AveragePool -> AvgPool (auto_pad padding is never counted, as in ONNX); dilated ones below."""
    x = ctx.x(node, 0)
    attrs = pool_attrs(node, ctx, x)
    if any(d != 1 for d in attrs["dilations"]):
        return dilated_average(node, ctx, x, attrs)
    attrs.pop("dilations")
    attrs["count_include_pad"] = node.attr("count_include_pad", 0)
    return ctx.emit(node, "AvgPool", [x], attrs)


def dilated_average(node: OnnxNode, ctx: Context, x: Value, attrs: dict) -> Value:
    """A dilated AveragePool: the window sums as a depthwise Conv of ones (end pads grown to the
    ceil-mode windows), divided by the count of each window's elements that are inside the input
    (and its pads, with count_include_pad), a constant computed the same way."""
    shape, kernel, dtype = ctx.shape(x), attrs["kernel_shape"], ctx.dtype(x)
    n, pads, strides = len(kernel), list(attrs["pads"]), attrs["strides"]
    grown = list(pads)
    for i in range(n):
        size, span = shape[2 + i], attrs["dilations"][i] * (kernel[i] - 1) + 1
        out = window_out(size, kernel[i], strides[i], pads[i], pads[n + i], attrs["dilations"][i],
                         bool(attrs["ceil_mode"]))
        grown[n + i] = max(pads[n + i], (out - 1) * strides[i] + span - size - pads[i])
    conv = {"strides": strides, "dilations": attrs["dilations"], "pads": grown, "group": shape[1]}
    ones = ctx.constant(np.ones((shape[1], 1, *kernel), dtype), f"{node.name}/ones")
    total = ctx.emit(node, "Conv", [x, ones], conv, suffix="sum")
    counted = np.ones((1, shape[1], *shape[2:]), dtype)
    if node.attr("count_include_pad", 0):  # the declared pads count, the grown ceil-mode ones do not
        counted = np.pad(counted, [(0, 0), (0, 0), *((pads[i], pads[n + i]) for i in range(n))], constant_values=1)
        conv = {**conv, "pads": [0] * n + [g - p for g, p in zip(grown[n:], pads[n:])]}
    count = ctx.emit(node, "Conv", [ctx.constant(counted, f"{node.name}/inside"), ones], conv, suffix="count")
    return ctx.emit(node, "Div", [total, count])


@REGISTRY.register("GlobalAveragePool", "GlobalMaxPool", since=1)
def global_pool(node: OnnxNode, ctx: Context) -> Value:
    """ONNX GlobalAveragePool -> GlobalAvgPool, GlobalMaxPool -> GlobalMaxPool."""
    op = "GlobalAvgPool" if node.op == "GlobalAveragePool" else "GlobalMaxPool"
    return ctx.emit(node, op, [ctx.x(node, 0)])
