"""ONNX Attention (opset 23) -> the IR's Attention, boolean and causal masks made additive.

3-d inputs and grouped key/value heads are refused: onnx 1.18's reference splits 3-d inputs into
heads without a transpose and tiles grouped heads, ONNX Runtime 1.31 transposes and repeats each
head, and the two disagree on every such conformance case (frontc's conversion matched ONNX
Runtime to 2e-7 but not the stored values). Past key/values, softcap and extra outputs are refused.
"""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError


@REGISTRY.register("Attention", since=23)
def attention(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Attention -> Attention(Q, K, V, additive mask)."""
    if any(node.has_input(i) for i in (4, 5)) or any(node.outputs[1:]):
        raise UnsupportedOpError("Attention with past key/values or extra outputs is not supported", node=node.name)
    if node.attr("softcap", 0.0) or node.attr("qk_matmul_output_mode", 0):
        raise UnsupportedOpError("Attention with softcap or a qk_matmul_output_mode is not supported",
                                 node=node.name)
    q, k, v = (ctx.x(node, i) for i in range(3))
    if any(len(ctx.shape(t)) != 4 for t in (q, k, v)) or ctx.shape(q)[1] != ctx.shape(k)[1]:
        raise UnsupportedOpError("Attention with 3-d inputs or grouped key/value heads is not supported: ONNX's "
                                 "reference and ONNX Runtime lay out their heads differently", node=node.name,
                                 hint="export 4-d (batch, heads, length, size) inputs with equal head counts")
    dtype = ctx.dtype(q)
    lq, lk = ctx.shape(q)[2], ctx.shape(k)[2]
    mask = ctx.x(node, 3)
    if mask is not None and ctx.dtype(mask) == "bool":
        zero = ctx.constant(np.zeros((), dtype), f"{node.name}/zero")
        minus = ctx.constant(np.full((), -np.inf, dtype), f"{node.name}/minus_inf")
        mask = ctx.emit(node, "Where", [mask, zero, minus], suffix="mask")
    if node.attr("is_causal", 0):
        causal = ctx.constant(np.triu(np.full((lq, lk), -np.inf, dtype), 1), f"{node.name}/causal")
        mask = causal if mask is None else ctx.emit(node, "Add", [mask, causal], suffix="causal_mask")
    attrs = {"scale": float(node.attr("scale", 0.0))}
    return ctx.emit(node, "Attention", [q, k, v, mask], attrs)
