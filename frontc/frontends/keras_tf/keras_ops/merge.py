"""Keras merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate."""
from __future__ import annotations

import numpy as np

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, KerasCall
from frontc.frontends.keras_tf.layout import ir_axis

_BINARY = {"Add": "Add", "Subtract": "Sub", "Multiply": "Mul", "Maximum": "Max", "Minimum": "Min",
           "Average": "Add"}


def _fold(ctx: Context, call: KerasCall, op: str) -> Value:
    """inputs[0] op inputs[1] op ... left to right, as Keras does, in one common layout."""
    tensors, layout = ctx.operands(call.inputs, call.name)
    out = tensors[0]
    for other in tensors[1:]:
        out = ctx.emit(op, [out, other], name=call.name, source=call.name, layout=layout).tensor
    return Value(out, layout)


@REGISTRY.register(*_BINARY)
def merge(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Add/Subtract/Multiply/Maximum/Minimum/Average -> a chain of binary ops
    (Average divides the sum by the input count)."""
    kind = type(call.layer).__name__
    out = _fold(ctx, call, _BINARY[kind])
    if kind == "Average":
        count = ctx.param(f"{call.name}_count", np.float32(len(call.inputs)))
        out = ctx.emit("Div", [out.tensor, count], name=call.name, source=call.name, layout=out.layout)
    return [out]


@REGISTRY.register("Concatenate")
def concatenate(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Concatenate(axis) -> Concat on the IR axis holding that source axis."""
    tensors, layout = ctx.operands(call.inputs, call.name, allow_flat=False)
    rank = len(ctx.source_shape(call.inputs[0]))
    axis = ir_axis(call.layer.axis, rank, layout)
    return [ctx.emit("Concat", tensors, {"axis": axis}, name=call.name, source=call.name, layout=layout)]
