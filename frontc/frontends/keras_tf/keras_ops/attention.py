"""Keras MultiHeadAttention -> Dense projections, scaled MatMul, Softmax, MatMul, output Dense."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, KerasCall, variant, weight


@variant("MultiHeadAttention")
def _attention_variant(layer: Any) -> str | None:
    if layer._attention_axes not in (None, (1,)):  # noqa: SLF001  (Keras keeps it private)
        return f"attention_axes={layer._attention_axes}"  # noqa: SLF001
    return None


def _projection(ctx: Context, call: KerasCall, x: str, dense: Any, part: str, heads: int, size: int) -> str:
    """(batch, steps, dim) -> (batch, heads, steps, size) through the EinsumDense ``dense``."""
    kernel = weight(dense.kernel)  # (dim, heads, size)
    inputs = [x, ctx.param(f"{call.name}_{part}_W", kernel.reshape(kernel.shape[0], -1).T.copy())]
    if dense.bias is not None:
        inputs.append(ctx.param(f"{call.name}_{part}_B", weight(dense.bias).reshape(-1)))
    b, n = ctx.builder.shape(x)[:2]
    y = ctx.builder.add1("Dense", inputs, name=f"{call.name}/{part}", source=call.name)
    y = ctx.builder.add1("Reshape", [y], {"shape": [b, n, heads, size]}, name=f"{call.name}/{part}_heads",
                         source=call.name)
    return ctx.builder.add1("Transpose", [y], {"perm": [0, 2, 1, 3]}, name=f"{call.name}/{part}_t",
                            source=call.name)


@REGISTRY.register("MultiHeadAttention")
def multi_head_attention(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras MultiHeadAttention(query, value[, key]) without masks -> softmax(Q K^T / sqrt(d)) V and the
    output projection, as IR Dense / Reshape / Transpose / MatMul / Mul / Softmax nodes."""
    layer = call.layer
    positional = [a for a in call.args if isinstance(a, Value)]
    if len(call.inputs) != len(positional) or len(positional) > 3:
        raise _refuse(call, "an attention mask (only query, value and key tensors are)")
    heads, size = layer.num_heads, layer.key_dim
    query = ctx.plain(call.inputs[0], call.name)
    value = ctx.plain(call.inputs[1] if len(call.inputs) > 1 else call.inputs[0], call.name)
    key = ctx.plain(call.inputs[2], call.name) if len(call.inputs) > 2 else value
    q = _projection(ctx, call, query, layer._query_dense, "query", heads, size)  # noqa: SLF001
    k = _projection(ctx, call, key, layer._key_dense, "key", heads, size)  # noqa: SLF001
    v = _projection(ctx, call, value, layer._value_dense, "value", heads, layer.value_dim or size)  # noqa: SLF001
    add = ctx.builder.add1
    scale = ctx.param(f"{call.name}_scale", np.float32(1.0 / np.sqrt(size)))
    kt = add("Transpose", [k], {"perm": [0, 1, 3, 2]}, name=f"{call.name}/key_tt", source=call.name)
    scores = add("Mul", [add("MatMul", [q, kt], name=f"{call.name}/scores", source=call.name), scale],
                 name=f"{call.name}/scaled", source=call.name)
    probs = add("Softmax", [scores], {"axis": -1}, name=f"{call.name}/softmax", source=call.name)
    context = add("MatMul", [probs, v], name=f"{call.name}/context", source=call.name)
    b, n = ctx.builder.shape(query)[:2]
    context = add("Transpose", [context], {"perm": [0, 2, 1, 3]}, name=f"{call.name}/context_t", source=call.name)
    context = add("Reshape", [context], {"shape": [b, n, -1]}, name=f"{call.name}/merge", source=call.name)
    out = layer._output_dense  # noqa: SLF001
    kernel = weight(out.kernel)  # (heads, size, dim)
    inputs = [context, ctx.param(f"{call.name}_output_W", kernel.reshape(-1, kernel.shape[-1]).T.copy())]
    if out.bias is not None:
        inputs.append(ctx.param(f"{call.name}_output_B", weight(out.bias)))
    return [ctx.emit("Dense", inputs, name=call.name, source=call.name)]


def _refuse(call: KerasCall, what: str) -> Exception:
    from frontc.ir.errors import UnsupportedOpError

    return UnsupportedOpError(f"Keras MultiHeadAttention with {what} is not supported", node=call.name)
