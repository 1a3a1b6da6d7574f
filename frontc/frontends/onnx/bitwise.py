"""ONNX BitwiseAnd/Or/Xor/Not, BitShift, IsNaN and IsInf, one to one."""
from __future__ import annotations

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value


@REGISTRY.register("BitwiseAnd", "BitwiseOr", "BitwiseXor", since=18)
def bitwise(node: OnnxNode, ctx: Context) -> Value:
    """ONNX BitwiseAnd, BitwiseOr, BitwiseXor (broadcasting)."""
    return ctx.emit(node, node.op, [ctx.x(node, 0), ctx.x(node, 1)])


@REGISTRY.register("BitwiseNot", since=18)
def bitwise_not(node: OnnxNode, ctx: Context) -> Value:
    """ONNX BitwiseNot."""
    return ctx.emit(node, "BitwiseNot", [ctx.x(node, 0)])


@REGISTRY.register("BitShift", since=11)
def bit_shift(node: OnnxNode, ctx: Context) -> Value:
    """ONNX BitShift (direction LEFT or RIGHT)."""
    return ctx.emit(node, "BitShift", [ctx.x(node, 0), ctx.x(node, 1)], {"direction": node.attrs["direction"]})


@REGISTRY.register("IsNaN", since=9)
def is_nan(node: OnnxNode, ctx: Context) -> Value:
    """ONNX IsNaN."""
    return ctx.emit(node, "IsNaN", [ctx.x(node, 0)])


@REGISTRY.register("IsInf", since=10)
def is_inf(node: OnnxNode, ctx: Context) -> Value:
    """ONNX IsInf (detect_negative, detect_positive)."""
    attrs = {k: node.attr(k, 1) for k in ("detect_negative", "detect_positive")}
    return ctx.emit(node, "IsInf", [ctx.x(node, 0)], attrs)
