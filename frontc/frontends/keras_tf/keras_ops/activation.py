"""Keras activation layers: Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import (
    ACTIVATIONS,
    REGISTRY,
    KerasCall,
    activation_name,
    emit_activation,
    emit_softmax,
    variant,
    weight,
)
from frontc.frontends.keras_tf.layout import const_for


@variant("Activation")
def _activation_variant(layer: Any) -> str | None:
    name = activation_name(layer)
    return None if name in ACTIVATIONS else f"activation={name}"


@variant("Softmax")
def _softmax_variant(layer: Any) -> str | None:
    return None if isinstance(layer.axis, int) else f"axis={layer.axis}"


@REGISTRY.register("Activation")
def activation(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Activation(name) -> the IR activation op (softmax over the last source axis)."""
    return [emit_activation(ctx, call.x, activation_name(call.layer), node=call.name,
                            source=call.name)]


@REGISTRY.register("Softmax")
def softmax(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Softmax(axis) -> Softmax over the IR axis holding that source axis."""
    return [emit_softmax(ctx, call.x, call.layer.axis, node=call.name, source=call.name)]


@REGISTRY.register("ELU")
def elu(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras ELU(alpha) -> Elu."""
    x = call.x
    return [ctx.emit("Elu", [x.tensor], {"alpha": float(call.layer.alpha)}, name=call.name,
                     source=call.name, layout=x.layout)]


@REGISTRY.register("LeakyReLU")
def leaky_relu(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras LeakyReLU(negative_slope) -> LeakyRelu."""
    x = call.x
    return [ctx.emit("LeakyRelu", [x.tensor], {"alpha": float(call.layer.negative_slope)},
                     name=call.name, source=call.name, layout=x.layout)]


@REGISTRY.register("PReLU")
def prelu(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras PReLU -> PRelu with alpha (H, W, C, shared axes as 1) moved to the IR layout."""
    x = call.x
    slope = ctx.param(f"{call.name}_slope", const_for(weight(call.layer.alpha), x.layout))
    return [ctx.emit("PRelu", [x.tensor, slope], name=call.name, source=call.name, layout=x.layout)]


@REGISTRY.register("ReLU")
def relu(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras ReLU(max_value, negative_slope, threshold), lowered exactly as Keras 3 computes it:
    Relu/Relu6/Clip/LeakyRelu when they suffice, else x*(x > t) clipped, minus slope*relu(t - x)."""
    layer, x, name = call.layer, call.x, call.name
    slope = float(layer.negative_slope)
    top = None if layer.max_value is None else float(layer.max_value)
    t = float(layer.threshold)

    def emit(op: str, inputs: list[str], attrs: dict[str, Any] | None = None) -> str:
        return ctx.emit(op, inputs, attrs, name=name, source=name, layout=x.layout).tensor

    def scalar(value: float) -> str:
        return ctx.param(f"{name}_const", np.float32(value))

    if slope and top is None and t == 0:
        return [Value(emit("LeakyRelu", [x.tensor], {"alpha": slope}), x.layout)]
    if t != 0:
        # x * (x > t): Ceil(Clip(x - t, 0, 1)) is exactly 1 where x > t and 0 elsewhere
        step = emit("Ceil", [emit("Clip", [emit("Sub", [x.tensor, scalar(t)])], {"min": 0.0, "max": 1.0})])
        out = emit("Mul", [x.tensor, step])
    elif top == 6:
        out, top = emit("Relu6", [x.tensor]), None
    else:
        out = emit("Relu", [x.tensor])
    if top is not None:
        out = emit("Clip", [out], {"min": 0.0, "max": top})
    if slope:
        negative = emit("Relu", [emit("Sub", [scalar(t), x.tensor]) if t else emit("Neg", [x.tensor])])
        out = emit("Sub", [out, emit("Mul", [negative, scalar(slope)])])
    return [Value(out, x.layout)]
