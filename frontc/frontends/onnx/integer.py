"""ONNX DynamicQuantizeLinear, MatMulInteger and ConvInteger (models from ONNX Runtime's
quantize_dynamic), one to one as integer IR ops."""
from __future__ import annotations

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.frontends.onnx.conv import window_attrs


@REGISTRY.register("DynamicQuantizeLinear", since=11)
def dynamic_quantize_linear(node: OnnxNode, ctx: Context) -> list[Value]:
    """ONNX DynamicQuantizeLinear: y (uint8), y_scale and y_zero_point computed from x."""
    return ctx.emit(node, "DynamicQuantizeLinear", [ctx.x(node, 0)], outputs=3)


@REGISTRY.register("MatMulInteger", since=10)
def matmul_integer(node: OnnxNode, ctx: Context) -> Value:
    """ONNX MatMulInteger with optional per-tensor, per-row (A) or per-column (B) zero points."""
    return ctx.emit(node, "MatMulInteger", [ctx.x(node, i) for i in range(4)])


@REGISTRY.register("ConvInteger", since=10)
def conv_integer(node: OnnxNode, ctx: Context) -> Value:
    """ONNX ConvInteger: int32 output, auto_pad made explicit."""
    x, w = ctx.x(node, 0), ctx.x(node, 1)
    attrs = window_attrs(node, ctx.shape(x)[2:], list(ctx.shape(w)[2:]))
    attrs["group"] = node.attr("group", 1)
    return ctx.emit(node, "ConvInteger", [x, w, ctx.x(node, 2), ctx.x(node, 3)], attrs)
