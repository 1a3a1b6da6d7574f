"""What the Keras layer converters share: the registry, the call record, activations."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.layout import NCHW, ir_axis
from frontc.frontends.registry import ConverterRegistry

REGISTRY = ConverterRegistry("keras")

# Layer class -> a function naming what about a layer no converter handles (None: all of it is).
VARIANTS: dict[str, Callable[[Any], str | None]] = {}

# Keras activation name -> (IR op, attrs); None for the identity. softmax and selu are special.
ACTIVATIONS: dict[str, tuple[str, dict[str, float]] | None] = {
    "linear": None,
    "relu": ("Relu", {}),
    "relu6": ("Relu6", {}),
    "sigmoid": ("Sigmoid", {}),
    "tanh": ("Tanh", {}),
    "hard_sigmoid": ("HardSigmoid", {"alpha": 1 / 6, "beta": 0.5}),
    "hard_silu": ("HardSwish", {}),
    "silu": ("Swish", {"alpha": 1.0}),
    "elu": ("Elu", {"alpha": 1.0}),
    "leaky_relu": ("LeakyRelu", {"alpha": 0.2}),
    "exponential": ("Exp", {}),
    "softmax": ("Softmax", {}),
    "gelu": ("Gelu", {"approximate": "none"}),
    "selu": ("Elu", {"alpha": 1.6732632423543772848170429916717}),
}
SELU_SCALE = 1.0507009873554804934193349852946


@dataclass
class KerasCall:
    """One call of a Keras layer (or operation): the layer, its traceable name, its input
    values, and its positional arguments with those values filled in."""

    layer: Any
    name: str
    inputs: list[Value]
    args: tuple[Any, ...] = ()

    @property
    def x(self) -> Value:
        return self.inputs[0]


def variant(*classes: str) -> Callable[[Callable[[Any], str | None]], Callable[[Any], str | None]]:
    """Decorator: ``fn(layer)`` names the unsupported configuration of a layer, or None."""

    def decorate(fn: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        for cls in classes:
            VARIANTS[cls] = fn
        return fn

    return decorate


def weight(variable: Any) -> np.ndarray:
    """A Keras variable (or array) as a float32 numpy array."""
    return np.asarray(variable, dtype=np.float32)


def activation_name(layer: Any) -> str | None:
    """The name of the activation a layer applies (None when it has none)."""
    fn = getattr(layer, "activation", None)
    return None if fn is None else getattr(fn, "__name__", type(fn).__name__)


def emit_activation(ctx: Context, value: Value, name: str | None, *, node: str,
                    source: str) -> Value:
    """Apply Keras activation ``name`` to ``value`` (identity for linear/None)."""
    spec = ACTIVATIONS.get(name or "linear")
    if spec is None:
        return value
    op, attrs = spec
    if op == "Softmax":
        return emit_softmax(ctx, value, -1, node=node, source=source)
    out = ctx.emit(op, [value.tensor], attrs, name=node, source=source, layout=value.layout)
    if name == "selu":
        scale = ctx.param(f"{node}_scale", np.float32(SELU_SCALE))
        out = ctx.emit("Mul", [out.tensor, scale], name=node, source=source, layout=value.layout)
    return out


def emit_softmax(ctx: Context, value: Value, axis: int, *, node: str, source: str) -> Value:
    """Softmax over source axis ``axis``; over a flat value's only axis it keeps the order."""
    rank = len(ctx.source_shape(value))
    if value.layout.kind == "flat" and axis % rank == 1:
        return ctx.emit("Softmax", [value.tensor], {"axis": 1}, name=node, source=source,
                        layout=value.layout)
    value = ctx.axes_value(value, source)
    return ctx.emit("Softmax", [value.tensor], {"axis": ir_axis(axis, rank, value.layout)},
                    name=node, source=source, layout=value.layout)


def image_input(ctx: Context, call: KerasCall) -> str:
    """The layer's input as an NCHW IR tensor."""
    return ctx.nchw(call.x, call.name)


def nchw_value(tensor: str) -> Value:
    return Value(tensor, NCHW)
