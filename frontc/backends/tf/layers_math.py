"""Small Keras layers for the arithmetic IR ops Keras has no layer for.

Each is a plain ``keras.layers.Layer`` with a ``get_config`` (no Lambda), so a model
saves and reloads as ``.keras``. A constant a layer holds is a non-trainable weight
``value``, set by the builder after the layer is built; the builder's bindings map it
back to the IR param it came from.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf
from keras import ops

PACKAGE = "frontc"


class FrontcLayer(keras.layers.Layer):
    """Base of the custom layers: no autocasting (IR dtypes are kept as they are)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("autocast", False)
        super().__init__(**kwargs)


class ConstantHolder(FrontcLayer):
    """A layer that may hold one constant operand, a non-trainable weight called ``value``."""

    def __init__(self, value_shape: Sequence[int] | None = None, value_dtype: str = "float32",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.value_shape = None if value_shape is None else tuple(int(d) for d in value_shape)
        self.value_dtype = value_dtype
        if self.value_shape is not None:
            self.value = self.add_weight(shape=self.value_shape, dtype=value_dtype,
                                         initializer="zeros", trainable=False, name="value")

    def get_config(self) -> dict[str, Any]:
        shape = None if self.value_shape is None else list(self.value_shape)
        return {**super().get_config(), "value_shape": shape, "value_dtype": self.value_dtype}


@keras.saving.register_keras_serializable(PACKAGE)
class Constant(ConstantHolder):
    """Outputs its constant (an IR param used as a tensor); the input only anchors it in the graph."""

    def call(self, anchor: Any) -> Any:
        return ops.convert_to_tensor(self.value)


def _divide(x: Any, y: Any) -> Any:
    if tf.as_dtype(x.dtype).is_integer:  # C-style integer division (toward zero), as the IR defines it
        return tf.truncatediv(x, y)
    return tf.divide(x, y)


BINARY = {"Add": ops.add, "Sub": ops.subtract, "Mul": ops.multiply, "Div": _divide,
          "Pow": ops.power, "Max": ops.maximum, "Min": ops.minimum}


@keras.saving.register_keras_serializable(PACKAGE)
class Elementwise(ConstantHolder):
    """A broadcasting binary op of two tensors, or of a tensor and the constant it holds
    (the constant is the first operand when ``constant_first``)."""

    def __init__(self, op: str = "Add", constant_first: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.op, self.constant_first = op, constant_first

    def call(self, inputs: Any) -> Any:
        if self.value_shape is None:
            return BINARY[self.op](inputs[0], inputs[1])
        value = ops.convert_to_tensor(self.value)
        return BINARY[self.op](value, inputs) if self.constant_first else BINARY[self.op](inputs, value)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "op": self.op, "constant_first": self.constant_first}


UNARY = {"Sqrt": ops.sqrt, "Exp": ops.exp, "Log": ops.log, "Neg": ops.negative, "Abs": ops.abs,
         "Reciprocal": ops.reciprocal, "Floor": ops.floor, "Ceil": ops.ceil, "Erf": ops.erf,
         "Round": ops.round, "Sign": ops.sign, "Sin": ops.sin, "Cos": ops.cos, "Tan": ops.tan,
         "Asin": ops.arcsin, "Acos": ops.arccos, "Atan": ops.arctan, "Sinh": ops.sinh, "Cosh": ops.cosh,
         "Asinh": ops.arcsinh, "Acosh": ops.arccosh, "Atanh": ops.arctanh,
         "Softplus": lambda x: ops.logaddexp(ops.zeros_like(x), x), "Softsign": ops.softsign}


@keras.saving.register_keras_serializable(PACKAGE)
class Unary(FrontcLayer):
    """An elementwise math function (``op`` is the IR op name)."""

    def __init__(self, op: str = "Abs", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.op = op

    def call(self, x: Any) -> Any:
        return UNARY[self.op](x)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "op": self.op}


@keras.saving.register_keras_serializable(PACKAGE)
class Clip(FrontcLayer):
    """min(max(x, low), high)."""

    def __init__(self, low: float = 0.0, high: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.low, self.high = float(low), float(high)

    def call(self, x: Any) -> Any:
        return ops.minimum(ops.maximum(x, ops.cast(self.low, x.dtype)), ops.cast(self.high, x.dtype))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "low": self.low, "high": self.high}


@keras.saving.register_keras_serializable(PACKAGE)
class HardSigmoid(FrontcLayer):
    """clip(alpha * x + beta, 0, 1)."""

    def __init__(self, alpha: float = 0.2, beta: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha, self.beta = float(alpha), float(beta)

    def call(self, x: Any) -> Any:
        y = x * ops.cast(self.alpha, x.dtype) + ops.cast(self.beta, x.dtype)
        return ops.minimum(ops.maximum(y, ops.cast(0, x.dtype)), ops.cast(1, x.dtype))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha, "beta": self.beta}


@keras.saving.register_keras_serializable(PACKAGE)
class Swish(FrontcLayer):
    """x * sigmoid(alpha * x) (Keras' silu is the case alpha = 1)."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, x: Any) -> Any:
        return x * ops.sigmoid(x * ops.cast(self.alpha, x.dtype))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


@keras.saving.register_keras_serializable(PACKAGE)
class Cast(FrontcLayer):
    """Converts to dtype ``to``."""

    def __init__(self, to: str = "float32", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.to = to

    def call(self, x: Any) -> Any:
        return ops.cast(x, self.to)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "to": self.to}


def _l2(x: Any, axis: Any, keepdims: bool) -> Any:
    return ops.sqrt(ops.sum(x * x, axis=axis, keepdims=keepdims))


REDUCERS = {"ReduceMean": ops.mean, "ReduceSum": ops.sum, "ReduceMax": ops.max, "ReduceMin": ops.min,
            "ReduceProd": ops.prod, "ReduceL2": _l2}


@keras.saving.register_keras_serializable(PACKAGE)
class Reduce(FrontcLayer):
    """A reduction (``op`` is the IR op name) over physical ``axes``."""

    def __init__(self, op: str = "ReduceMean", axes: Sequence[int] = (), keepdims: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.op, self.axes, self.keepdims = op, [int(a) for a in axes], bool(keepdims)

    def call(self, x: Any) -> Any:
        return REDUCERS[self.op](x, axis=tuple(self.axes), keepdims=self.keepdims)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "op": self.op, "axes": self.axes, "keepdims": self.keepdims}


@keras.saving.register_keras_serializable(PACKAGE)
class MatMul(FrontcLayer):
    """numpy.matmul of two tensors."""

    def call(self, inputs: Any) -> Any:
        return ops.matmul(inputs[0], inputs[1])


@keras.saving.register_keras_serializable(PACKAGE)
class Gemm(FrontcLayer):
    """alpha * A' @ B' + beta * C (ONNX Gemm) of two or three tensors."""

    def __init__(self, alpha: float = 1.0, beta: float = 1.0, trans_a: bool = False,
                 trans_b: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha, self.beta = float(alpha), float(beta)
        self.trans_a, self.trans_b = bool(trans_a), bool(trans_b)

    def call(self, inputs: Any) -> Any:
        a, b = inputs[0], inputs[1]
        a = ops.transpose(a) if self.trans_a else a
        b = ops.transpose(b) if self.trans_b else b
        y = ops.matmul(a, b)
        if self.alpha != 1.0:
            y = y * ops.cast(self.alpha, y.dtype)
        if len(inputs) > 2:
            y = y + inputs[2] * ops.cast(self.beta, y.dtype)
        return y

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha, "beta": self.beta,
                "trans_a": self.trans_a, "trans_b": self.trans_b}


@keras.saving.register_keras_serializable(PACKAGE)
class LRN(FrontcLayer):
    """ONNX local response normalization over the last (channel) axis: TF's own op for an odd
    ``size`` on 4-d input, else shifted sums of squares (an even window TF cannot express)."""

    def __init__(self, size: int = 1, alpha: float = 1e-4, beta: float = 0.75, bias: float = 1.0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.size, self.alpha, self.beta, self.bias = int(size), float(alpha), float(beta), float(bias)

    def call(self, x: Any) -> Any:
        if self.size % 2 and len(x.shape) == 4:
            return tf.nn.local_response_normalization(x, (self.size - 1) // 2, self.bias,
                                                      self.alpha / self.size, self.beta)
        before = (self.size - 1) // 2
        square = tf.pad(x * x, [[0, 0]] * (len(x.shape) - 1) + [[before, self.size - 1 - before]])
        channels = x.shape[-1]
        total = tf.add_n([square[..., i:i + channels] for i in range(self.size)])
        return x / (self.bias + self.alpha / self.size * total) ** self.beta

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "alpha": self.alpha, "beta": self.beta,
                "bias": self.bias}
