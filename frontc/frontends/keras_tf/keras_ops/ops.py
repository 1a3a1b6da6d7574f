"""Keras 3 operations used as functional-graph nodes (``x * 8``, ``keras.ops.add(x, y)``)."""
from __future__ import annotations

import numpy as np

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, KerasCall

_BINARY = {"ops.Add": "Add", "ops.Subtract": "Sub", "ops.Multiply": "Mul", "ops.TrueDivide": "Div",
           "ops.Divide": "Div", "ops.Maximum": "Max", "ops.Minimum": "Min"}


@REGISTRY.register(*_BINARY)
def binary(call: KerasCall, ctx: Context) -> list[Value]:
    """keras.ops add/subtract/multiply/(true_)divide/maximum/minimum of tensors and Python
    numbers -> the IR op (numbers as float32 constants, as Keras converts them)."""
    operands = [a if isinstance(a, Value) else np.asarray(a, dtype=np.float32) for a in call.args[:2]]
    tensors, layout = ctx.operands(operands, call.name)
    op = _BINARY[f"ops.{type(call.layer).__name__}"]
    return [ctx.emit(op, tensors, name=call.name, source=call.name, layout=layout)]


@REGISTRY.register("ops.Negative")
def negative(call: KerasCall, ctx: Context) -> list[Value]:
    """keras.ops.negative -> Neg."""
    return [ctx.emit("Neg", [call.x.tensor], name=call.name, source=call.name, layout=call.x.layout)]
