"""Comparisons, boolean logic, Where, Mod, arg-reductions, TopK, CumSum, LogSoftmax, Einsum, the
other reductions and the gathers/scatters -> their ONNX ops (opset 17: k, axis and ReduceSum's axes
as inputs, other reductions' axes as attributes; BitwiseAnd/Or/Xor/Not are opset 18: not emitted)."""
from __future__ import annotations

import numpy as np

from frontc.backends.onnx.registry import EmitContext, emitter
from frontc.ir.graph import Node
from frontc.ir.ops.logic import COMPARE_OPS, LOGIC_OPS

# ScatterND / ScatterElements reductions max and min are opset 18
OPSET17_REDUCTIONS = ("none", "add", "mul")


@emitter(*COMPARE_OPS, *LOGIC_OPS, "Not", "Where", "Einsum", "GatherElements", "GatherND", "LogSoftmax",
         "ArgMax", "ArgMin", "Mod", "BitShift", "IsNaN", "IsInf", "Det", "DynamicQuantizeLinear", "MatMulInteger")
def same_name(node: Node, ctx: EmitContext) -> None:
    """An IR op whose ONNX op has the same name, inputs and attributes."""
    ctx.emit(node.op, list(node.inputs), list(node.outputs), **ctx.attrs)


@emitter("TopK")
def top_k(node: Node, ctx: EmitContext) -> None:
    """TopK -> TopK(X, K) with axis, largest, sorted."""
    a = ctx.attrs
    ctx.emit("TopK", [node.inputs[0], ctx.const("k", [a["k"]])], list(node.outputs), axis=a["axis"],
             largest=a["largest"], sorted=a["sorted"])


@emitter("CumSum")
def cum_sum(node: Node, ctx: EmitContext) -> None:
    """CumSum -> CumSum(X, axis) with exclusive, reverse."""
    a = ctx.attrs
    ctx.emit("CumSum", [node.inputs[0], ctx.const("axis", a["axis"])], [node.outputs[0]],
             exclusive=a["exclusive"], reverse=a["reverse"])


@emitter("ReduceProd", "ReduceL2")
def reduce(node: Node, ctx: EmitContext) -> None:
    """ReduceProd, ReduceL2 -> the same op (axes an attribute in opset 17)."""
    attrs = {"keepdims": ctx.attrs["keepdims"]}
    if ctx.attrs["axes"]:
        attrs["axes"] = list(ctx.attrs["axes"])
    ctx.emit(node.op, [node.inputs[0]], [node.outputs[0]], **attrs)


@emitter("ScatterND", "ScatterElements")
def scatter(node: Node, ctx: EmitContext) -> None:
    """ScatterND, ScatterElements -> the same op (reductions none, add, mul in opset 17)."""
    if ctx.attrs["reduction"] not in OPSET17_REDUCTIONS:
        raise ctx.unsupported(f"reduction '{ctx.attrs['reduction']}' needs opset 18",
                              hint=f"opset 17 has {list(OPSET17_REDUCTIONS)}")
    ctx.emit(node.op, list(node.inputs), [node.outputs[0]], **ctx.attrs)


@emitter("QuantizeLinear", "DequantizeLinear")
def quantize_dequantize(node: Node, ctx: EmitContext) -> None:
    """QuantizeLinear, DequantizeLinear -> the same op (opset 17: int8/uint8, per tensor or per axis; a
    QuantizeLinear without zero point gets an explicit one of its dtype)."""
    a = ctx.attrs
    integer = node.outputs[0] if node.op == "QuantizeLinear" else node.inputs[0]
    if a["block_size"] > 0 or ctx.dtype(integer) not in (np.uint8, np.int8):
        raise ctx.unsupported(f"{node.op} in {ctx.dtype(integer)} or blocked needs opset 21",
                              hint="export int8/uint8 per-tensor or per-axis quantization only")
    inputs = list(node.inputs)
    if len(inputs) < 3 or not inputs[2]:
        inputs = [*inputs[:2], ctx.const("zero_point", 0, ctx.dtype(integer))]
    ctx.emit(node.op, inputs, list(node.outputs), axis=a["axis"])
