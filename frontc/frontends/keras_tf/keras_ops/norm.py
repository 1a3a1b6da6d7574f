"""Keras normalization and scaling layers: BatchNormalization, Normalization, Rescaling."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, KerasCall, variant, weight
from frontc.frontends.keras_tf.layout import ir_axis


@variant("BatchNormalization")
def _bn_variant(layer: Any) -> str | None:
    return "renorm" if getattr(layer, "renorm", False) else None


def _along(values: np.ndarray, axis: int, rank: int) -> np.ndarray:
    """Per-channel statistics shaped to broadcast along ``axis`` of a source tensor of ``rank``."""
    shape = [1] * rank
    shape[axis] = values.size
    return values.reshape(shape)


def _binary(ctx: Context, call: KerasCall, op: str, x: Value, constant: np.ndarray) -> Value:
    tensors, layout = ctx.operands([x, constant], call.name)
    return ctx.emit(op, tensors, name=call.name, source=call.name, layout=layout)


@REGISTRY.register("BatchNormalization")
def batch_normalization(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras BatchNormalization (inference) -> BatchNorm on the channel axis, else Mul + Add
    with the folded scale and shift along the normalized axis."""
    layer, x = call.layer, call.x
    channels = weight(layer.moving_mean).shape[0]
    gamma = weight(layer.gamma) if layer.scale else np.ones(channels, np.float32)
    beta = weight(layer.beta) if layer.center else np.zeros(channels, np.float32)
    mean, var = weight(layer.moving_mean), weight(layer.moving_variance)
    rank = len(ctx.source_shape(x))
    axis = layer.axis % rank
    value = ctx.axes_value(x, call.name)
    if ir_axis(axis, rank, value.layout) == 1:
        params = [ctx.param(f"{call.name}_{part}", array) for part, array in
                  (("gamma", gamma), ("beta", beta), ("mean", mean), ("var", var))]
        return [ctx.emit("BatchNorm", [value.tensor, *params], {"epsilon": float(layer.epsilon)},
                         name=call.name, source=call.name, layout=value.layout)]
    inv = (gamma / np.sqrt(var + np.float32(layer.epsilon))).astype(np.float32)
    scaled = _binary(ctx, call, "Mul", value, _along(inv, axis, rank))
    return [_binary(ctx, call, "Add", scaled, _along((beta - mean * inv).astype(np.float32), axis, rank))]


@REGISTRY.register("Normalization")
def normalization(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Normalization -> (x - mean) / max(sqrt(var), eps), or x * that + mean if inverted."""
    import keras

    layer, x = call.layer, call.x
    mean, var = weight(layer.mean), weight(layer.variance)
    denom = np.maximum(np.sqrt(var), np.float32(keras.config.epsilon())).astype(np.float32)
    if layer.invert:
        return [_binary(ctx, call, "Add", _binary(ctx, call, "Mul", x, denom), mean)]
    return [_binary(ctx, call, "Div", _binary(ctx, call, "Sub", x, mean), denom)]


@REGISTRY.register("Rescaling")
def rescaling(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Rescaling -> x * scale + offset (each skipped when it is the identity)."""
    layer, x = call.layer, call.x
    scale = np.asarray(layer.scale, dtype=np.float32)
    offset = np.asarray(layer.offset, dtype=np.float32)
    out = x if np.all(scale == 1) else _binary(ctx, call, "Mul", x, scale)
    if np.any(offset != 0):
        out = _binary(ctx, call, "Add", out, offset)
    if out is x:
        out = ctx.emit("Identity", [x.tensor], name=call.name, source=call.name, layout=x.layout)
    return [out]

