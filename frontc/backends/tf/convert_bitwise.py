"""Bitwise And/Or/Xor/Not, BitShift, IsNaN and IsInf -> a Bitwise Keras layer (tf.bitwise, tf.math)
on the IR form of their inputs."""
from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_math import PACKAGE, FrontcLayer
from frontc.backends.tf.registry import factory
from frontc.ir.graph import Node
from frontc.ir.ops.bitwise import BITWISE_OPS

FUNCTIONS = {"BitwiseAnd": tf.bitwise.bitwise_and, "BitwiseOr": tf.bitwise.bitwise_or,
             "BitwiseXor": tf.bitwise.bitwise_xor, "BitwiseNot": tf.bitwise.invert, "IsNaN": tf.math.is_nan,
             "LEFT": tf.bitwise.left_shift, "RIGHT": tf.bitwise.right_shift}


@keras.saving.register_keras_serializable(PACKAGE)
class Bitwise(FrontcLayer):
    """An IR bitwise op or float test (``op``; a shift by its direction, IsInf by its detect flags)."""

    def __init__(self, op: str = "BitwiseAnd", negative: bool = True, positive: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.op, self.negative, self.positive = op, bool(negative), bool(positive)

    def call(self, inputs: Any) -> Any:
        args = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        if self.op == "IsInf":
            x = args[0]
            return tf.math.is_inf(x) & (((x < 0) & self.negative) | ((x > 0) & self.positive))
        return FUNCTIONS[self.op](*args)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "op": self.op, "negative": self.negative, "positive": self.positive}


@factory(*BITWISE_OPS, "BitwiseNot", "BitShift", "IsNaN", "IsInf")
def bitwise(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Bitwise ops, shifts, IsNaN, IsInf -> a Bitwise layer on the IR form of the inputs."""
    xs = [ctx.get(t, nhwc=False) for t in node.inputs]
    op = a["direction"] if node.op == "BitShift" else node.op
    layer = Bitwise(op, bool(a.get("detect_negative", 1)), bool(a.get("detect_positive", 1)), name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, xs if len(xs) > 1 else xs[0]))
