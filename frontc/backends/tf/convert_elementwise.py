"""Elementwise IR ops as Keras layers: arithmetic, math functions, activations, PRelu, Softmax.

They work in whatever layout their input is held: a 4-D operand held channels-last
makes the op compute channels-last, with constant operands rearranged to match.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from frontc.backends.tf import layout
from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_math import Clip, Elementwise, HardSigmoid, Swish, Unary
from frontc.backends.tf.registry import factory
from frontc.ir.graph import Node
from frontc.ir.ops.elementwise import ACTIVATION_OPS, BINARY_OPS, FLOAT32_MAX, UNARY_OPS

NATIVE_BINARY = {"Add": keras.layers.Add, "Sub": keras.layers.Subtract,
                 "Mul": keras.layers.Multiply, "Max": keras.layers.Maximum,
                 "Min": keras.layers.Minimum}


def activation_attrs(op: str, params: Sequence[float]) -> dict[str, float]:
    """The attributes of activation ``op`` given positionally (as fused nodes carry them)."""
    attrs = {name: spec.default for name, spec in ACTIVATION_OPS[op].items()}
    attrs.update(zip(ACTIVATION_OPS[op], params))
    return attrs


def activation_layer(ctx: BuildContext, op: str, attrs: dict[str, Any], dtype_of: str,
                     suffix: str = "") -> keras.layers.Layer:
    """The Keras layer computing activation ``op`` (native where Keras has one)."""
    name, kwargs = ctx.name(suffix), ctx.float_kwargs(dtype_of)
    if op == "Relu":
        return keras.layers.ReLU(name=name, **kwargs)
    if op == "Relu6":
        return keras.layers.ReLU(max_value=6.0, name=name, **kwargs)
    if op == "Clip" and attrs["min"] == 0 and attrs["max"] > 0:
        high = None if attrs["max"] >= FLOAT32_MAX else attrs["max"]
        return keras.layers.ReLU(max_value=high, name=name, **kwargs)
    if op == "Clip":
        return Clip(attrs["min"], attrs["max"], name=name)
    if op == "LeakyRelu":
        if attrs["alpha"] < 0:
            raise ctx.fail(f"LeakyRelu alpha {attrs['alpha']} < 0 has no Keras layer")
        return keras.layers.LeakyReLU(negative_slope=attrs["alpha"], name=name, **kwargs)
    if op == "Elu":
        return keras.layers.ELU(alpha=attrs["alpha"], name=name, **kwargs)
    if op in ("Sigmoid", "Tanh", "HardSwish"):
        return keras.layers.Activation({"Sigmoid": "sigmoid", "Tanh": "tanh",
                                        "HardSwish": "hard_silu"}[op], name=name, **kwargs)
    if op == "HardSigmoid":
        return HardSigmoid(attrs["alpha"], attrs["beta"], name=name)
    if op == "Swish" and attrs["alpha"] == 1.0:
        return keras.layers.Activation("silu", name=name, **kwargs)
    if op == "Swish":
        return Swish(attrs["alpha"], name=name)
    raise ctx.fail(f"unknown activation '{op}'")


def fused_activation(ctx: BuildContext, node: Node, a: dict[str, Any], x: Any) -> Any:
    """Apply the activation a Conv/ConvTranspose/Dense carries as attributes (if any)."""
    op = a.get("activation", "")
    if not op:
        return x
    if op not in ACTIVATION_OPS:
        raise ctx.fail(f"unknown fused activation '{op}'")
    layer = activation_layer(ctx, op, activation_attrs(op, a["activation_params"]),
                             node.outputs[0], op.lower())
    return ctx.call(layer, x)


@factory(*ACTIVATION_OPS)
def activation(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """IR activations -> ReLU / LeakyReLU / ELU / Activation, or a small layer."""
    x = node.inputs[0]
    y = ctx.call(activation_layer(ctx, node.op, a, x), ctx.get(x))
    ctx.set(node.outputs[0], y, ctx.is_nhwc(x))


@factory(*UNARY_OPS)
def unary(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Sqrt, Exp, Log, Neg, Abs, Reciprocal, Floor, Ceil -> Unary layer."""
    x = node.inputs[0]
    ctx.set(node.outputs[0], ctx.call(Unary(node.op, name=ctx.name()), ctx.get(x)), ctx.is_nhwc(x))


@factory(*BINARY_OPS)
def binary(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Add/Sub/Mul/Div/Pow/Max/Min -> Add/Subtract/Multiply/Maximum/Minimum for two float tensors
    of equal shapes, else an Elementwise layer (broadcasting; holding a constant operand as a weight)."""
    out = node.outputs[0]
    constants = [ctx.param(t) for t in node.inputs]
    tensors = [t for t, c in zip(node.inputs, constants) if c is None] or node.inputs[:1]
    nhwc = ctx.rank(out) == 4 and all(ctx.rank(t) == 4 for t in tensors) \
        and any(ctx.is_nhwc(t) for t in tensors)
    if len(tensors) == 1 and node.inputs[0] != node.inputs[1]:
        side = 1 if tensors[0] == node.inputs[0] else 0
        param, original = node.inputs[side], constants[side]
        value = layout.to_physical(original, 4, nhwc)
        layer = Elementwise(node.op, side == 0, value_shape=value.shape, value_dtype=str(value.dtype),
                            name=ctx.name())
        y = ctx.call(layer, ctx.get(tensors[0], nhwc), [value])
        ctx.bind(param, layer, 0, lambda w: layout.from_physical(w, original.shape, nhwc))
    else:
        xs = [ctx.get(t, nhwc) for t in node.inputs]
        same = ctx.shape(node.inputs[0]) == ctx.shape(node.inputs[1]) == ctx.shape(out)
        if node.op in NATIVE_BINARY and same and ctx.dtype(out).startswith("float"):
            y = ctx.call(NATIVE_BINARY[node.op](name=ctx.name(), **ctx.float_kwargs(out)), xs)
        else:
            y = ctx.call(Elementwise(node.op, name=ctx.name()), xs)
    ctx.set(out, y, nhwc)


@factory("PRelu")
def prelu(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """PRelu with a constant slope -> PReLU (axes where the slope is 1 shared)."""
    x, slope_name = node.inputs
    slope = ctx.param(slope_name)
    rank = ctx.rank(x)
    if slope is None:
        raise ctx.fail("the slope must be a param (PReLU holds it as a weight)")
    full = slope.reshape((1,) * (rank - slope.ndim) + slope.shape)
    if full.shape[0] != 1:
        raise ctx.fail(f"a slope {slope.shape} that varies over the batch axis has no PReLU form")
    nhwc = ctx.is_nhwc(x)
    alpha = layout.to_physical(full, rank, nhwc)[0]
    x_shape = layout.shape(ctx.shape(x), nhwc)
    shared = [i + 1 for i, d in enumerate(alpha.shape) if d == 1 and x_shape[i + 1] != 1]
    layer = keras.layers.PReLU(shared_axes=shared or None, name=ctx.name(), **ctx.float_kwargs(x))
    y = ctx.call(layer, ctx.get(x), [alpha])
    ctx.bind(slope_name, layer, 0,
             lambda w: layout.from_physical(w[None], full.shape, nhwc).reshape(slope.shape))
    ctx.set(node.outputs[0], y, nhwc)


@factory("Softmax")
def softmax(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Softmax(axis) -> Softmax on the axis as held."""
    x = node.inputs[0]
    nhwc = ctx.is_nhwc(x)
    axis = layout.axis(a["axis"], ctx.rank(x), nhwc)
    layer = keras.layers.Softmax(axis=axis, name=ctx.name(), **ctx.float_kwargs(x))
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(x)), nhwc)
