"""ONNX DynamicQuantizeLinear, MatMulInteger and ConvInteger (models from ONNX Runtime's
quantize_dynamic), QuantizeLinear and DequantizeLinear, one to one as integer IR ops (Q/DQ are simulated
as plain ops here; ``frontc qimport`` turns QDQ models into quantization annotations instead)."""
from __future__ import annotations

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.frontends.onnx.conv import window_attrs
from frontc.frontends.onnx.loader import numpy_dtype
from frontc.ir.errors import UnsupportedOpError
from frontc.ir.ops.integer import QDQ_TYPES


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


def _qdq_attrs(node: OnnxNode, ctx: Context, dtypes: tuple[str, ...]) -> dict[str, int]:
    """axis (normalized) and block_size; refuses an integer type outside ``dtypes`` (int4, float8...)."""
    integer = ctx.x(node, 0 if node.op == "DequantizeLinear" else 2)
    dtype = ctx.dtype(integer) if integer is not None else None
    if dtype is not None and dtype not in dtypes:
        raise UnsupportedOpError(f"{node.op} in {dtype} is not supported (only {', '.join(dtypes)})",
                                 node=node.name)
    rank = len(ctx.shape(ctx.x(node, 0)))
    return {"axis": node.attr("axis", 1) % max(rank, 1), "block_size": node.attr("block_size", 0)}


@REGISTRY.register("QuantizeLinear", since=10)
def quantize_linear(node: OnnxNode, ctx: Context) -> Value:
    """ONNX QuantizeLinear per tensor, per axis or blocked; the output dtype is the zero point's, else
    output_dtype, else uint8."""
    attrs = _qdq_attrs(node, ctx, QDQ_TYPES)
    if node.attr("precision", 0) not in (0, 1):
        raise UnsupportedOpError("QuantizeLinear precision other than float32 is not supported", node=node.name)
    out = node.attr("output_dtype", 0)
    attrs["dtype"] = numpy_dtype(out, "QuantizeLinear's output_dtype", node.name) if out else "uint8"
    if attrs["dtype"] not in QDQ_TYPES:
        raise UnsupportedOpError(f"QuantizeLinear to {attrs['dtype']} is not supported", node=node.name)
    return ctx.emit(node, "QuantizeLinear", [ctx.x(node, i) for i in range(3)], attrs)


@REGISTRY.register("DequantizeLinear", since=10)
def dequantize_linear(node: OnnxNode, ctx: Context) -> Value:
    """ONNX DequantizeLinear per tensor, per axis or blocked, to float32."""
    attrs = _qdq_attrs(node, ctx, (*QDQ_TYPES, "int32"))
    if node.attr("output_dtype", 0) not in (0, 1):
        raise UnsupportedOpError("DequantizeLinear output_dtype other than float32 is not supported", node=node.name)
    return ctx.emit(node, "DequantizeLinear", [ctx.x(node, i) for i in range(3)], attrs)
