"""ONNX Attention (opset 23) -> the IR's Attention, boolean and causal masks made additive; with past
key/values, softcap or the present/qk_matmul outputs, the ops its definition is made of (Concat,
MatMul, Mul, Add, Tanh, Softmax) so that each output exists as a tensor.

3-d inputs and grouped key/value heads are refused: onnx 1.18's reference splits 3-d inputs into
heads without a transpose and tiles grouped heads, ONNX Runtime 1.31 transposes and repeats each
head, and the two disagree on every such conformance case (frontc's conversion matched ONNX
Runtime to 2e-7 but not the stored values). Softcap with a mask and the mode-1 qk_matmul output follow
ONNX's reference (mask added before the softcap); ONNX Runtime 1.31 differs on those two.
"""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError


@REGISTRY.register("Attention", since=23)
def attention(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Attention -> Attention(Q, K, V, additive mask), or its ops where it has more to give."""
    q, k, v = (ctx.x(node, i) for i in range(3))
    if any(len(ctx.shape(t)) != 4 for t in (q, k, v)) or ctx.shape(q)[1] != ctx.shape(k)[1]:
        raise UnsupportedOpError("Attention with 3-d inputs or grouped key/value heads is not supported: ONNX's "
                                 "reference and ONNX Runtime lay out their heads differently", node=node.name,
                                 hint="export 4-d (batch, heads, length, size) inputs with equal head counts")
    if node.has_input(4) != node.has_input(5):
        raise UnsupportedOpError("Attention with only one of past_key and past_value", node=node.name)
    if node.has_input(4):
        k = ctx.emit(node, "Concat", [ctx.x(node, 4), k], {"axis": 2}, suffix="present_key")
        v = ctx.emit(node, "Concat", [ctx.x(node, 5), v], {"axis": 2}, suffix="present_value")
    mask = _additive_mask(node, ctx, ctx.dtype(q), ctx.shape(q)[2], ctx.shape(k)[2])
    attrs = {"scale": float(node.attr("scale", 0.0))}
    if not (node.has_input(4) or any(node.outputs[1:]) or node.attr("softcap", 0.0)):
        return ctx.emit(node, "Attention", [q, k, v, mask], attrs)
    y, qk = _composed(node, ctx, q, k, v, mask)
    return [y, k, v, qk]


def _additive_mask(node: OnnxNode, ctx: Context, dtype: str, lq: int, lk: int) -> Value | None:
    """attn_mask (bool: -inf where false) plus the causal mask, as one additive float mask."""
    mask = ctx.x(node, 3)
    if mask is not None and ctx.dtype(mask) == "bool":
        zero = ctx.constant(np.zeros((), dtype), f"{node.name}/zero")
        minus = ctx.constant(np.full((), -np.inf, dtype), f"{node.name}/minus_inf")
        mask = ctx.emit(node, "Where", [mask, zero, minus], suffix="mask")
    if node.attr("is_causal", 0):
        causal = ctx.constant(np.triu(np.full((lq, lk), -np.inf, dtype), 1), f"{node.name}/causal")
        mask = causal if mask is None else ctx.emit(node, "Add", [mask, causal], suffix="causal_mask")
    return mask


def _composed(node: OnnxNode, ctx: Context, q: Value, k: Value, v: Value, mask: Value | None) -> tuple[Value, Value]:
    """(Y, the qk_matmul output its mode asks for): softmax(softcap(Q K^T * scale + mask)) V."""
    dtype, mode = ctx.dtype(q), node.attr("qk_matmul_output_mode", 0)
    scale = node.attr("scale", 0.0) or 1 / np.sqrt(ctx.shape(q)[-1])
    key_t = ctx.emit(node, "Transpose", [k], {"perm": [0, 1, 3, 2]}, suffix="key_t")
    qk = ctx.emit(node, "MatMul", [q, key_t], suffix="qk")
    qk = ctx.emit(node, "Mul", [qk, ctx.constant(np.asarray(scale, dtype), f"{node.name}/scale")], suffix="scaled")
    outputs = {0: qk}
    if mask is not None:
        qk = ctx.emit(node, "Add", [qk, mask], suffix="masked")
    outputs[1] = qk
    softcap = float(node.attr("softcap", 0.0))
    if softcap > 0:
        cap = ctx.constant(np.asarray(softcap, dtype), f"{node.name}/softcap")
        qk = ctx.emit(node, "Div", [qk, cap], suffix="capped_in")
        qk = ctx.emit(node, "Mul", [ctx.emit(node, "Tanh", [qk], suffix="capped_tanh"), cap], suffix="capped")
    outputs[2] = qk
    weights = ctx.emit(node, "Softmax", [qk], {"axis": -1}, suffix="softmax")
    outputs[3] = weights
    return ctx.emit(node, "MatMul", [weights, v], suffix="y"), outputs[mode]
