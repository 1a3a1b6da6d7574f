"""Small Keras layers for the IR ops of sequence and transformer models that Keras has no layer
for: comparisons and logic, Where, Gelu, LogSoftmax, arg-reductions, TopK, CumSum, Einsum, and
the masks and stacks recurrent layers need. Axes in their configs are physical."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf
from keras import ops

from frontc.backends.tf.layers_math import PACKAGE, FrontcLayer

FUNCTIONS = {"Equal": ops.equal, "Less": ops.less, "Greater": ops.greater, "LessOrEqual": ops.less_equal,
             "GreaterOrEqual": ops.greater_equal, "And": ops.logical_and, "Or": ops.logical_or,
             "Xor": ops.logical_xor, "Not": ops.logical_not, "Where": ops.where,
             "Mod": tf.math.floormod, "FMod": tf.truncatemod, "Det": tf.linalg.det}


@keras.saving.register_keras_serializable(PACKAGE)
class Function(FrontcLayer):
    """An elementwise function of one to three tensors (``op`` is the IR op name)."""

    def __init__(self, op: str = "Equal", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.op = op

    def call(self, inputs: Any) -> Any:
        args = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        return FUNCTIONS[self.op](*args)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "op": self.op}


@keras.saving.register_keras_serializable(PACKAGE)
class Gelu(FrontcLayer):
    """x * Phi(x), exact (erf) or with the tanh approximation."""

    def __init__(self, approximate: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.approximate = bool(approximate)

    def call(self, x: Any) -> Any:
        return ops.gelu(x, approximate=self.approximate)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "approximate": self.approximate}


@keras.saving.register_keras_serializable(PACKAGE)
class AxisOp(FrontcLayer):
    """LogSoftmax, ArgMax, ArgMin, TopK or CumSum along one physical ``axis``; ``options`` holds
    the op's other attributes (keepdims, select_last_index, k, largest, exclusive, reverse)."""

    def __init__(self, op: str = "LogSoftmax", axis: int = -1, options: dict | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.op, self.axis, self.options = op, int(axis), dict(options or {})

    def call(self, x: Any) -> Any:
        o, axis = self.options, self.axis
        if self.op == "LogSoftmax":
            return tf.nn.log_softmax(x, axis=axis)
        if self.op in ("ArgMax", "ArgMin"):
            fn = tf.argmax if self.op == "ArgMax" else tf.argmin
            source = tf.reverse(x, [axis]) if o["select_last_index"] else x
            index = fn(source, axis=axis, output_type=tf.int64)
            if o["select_last_index"]:
                index = x.shape[axis] - 1 - index
            return tf.expand_dims(index, axis) if o["keepdims"] else index
        if self.op == "TopK":
            order = tf.argsort(x, axis=axis, direction="DESCENDING" if o["largest"] else "ASCENDING",
                               stable=True)
            index = tf.gather(order, tf.range(o["k"]), axis=axis)
            return [tf.experimental.numpy.take_along_axis(x, index, axis), tf.cast(index, tf.int64)]
        return tf.cumsum(x, axis=axis, exclusive=bool(o["exclusive"]), reverse=bool(o["reverse"]))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "op": self.op, "axis": self.axis, "options": self.options}


@keras.saving.register_keras_serializable(PACKAGE)
class Einsum(FrontcLayer):
    """An einsum of its inputs with an explicit ``equation``."""

    def __init__(self, equation: str = "i->i", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.equation = equation

    def call(self, inputs: Any) -> Any:
        args = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        return tf.einsum(self.equation, *args)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "equation": self.equation}


@keras.saving.register_keras_serializable(PACKAGE)
class SequenceMask(FrontcLayer):
    """(batch, steps) bool mask: step < length, from int lengths (batch,)."""

    def __init__(self, steps: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.steps = int(steps)

    def call(self, lengths: Any) -> Any:
        return tf.sequence_mask(lengths, self.steps)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "steps": self.steps}


@keras.saving.register_keras_serializable(PACKAGE)
class Stack(FrontcLayer):
    """Stacks its inputs along a new ``axis``, then permutes by ``perm`` (when given)."""

    def __init__(self, axis: int = 0, perm: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis, self.perm = int(axis), [int(p) for p in perm]

    def call(self, inputs: Any) -> Any:
        y = ops.stack(list(inputs) if isinstance(inputs, (list, tuple)) else [inputs], axis=self.axis)
        return ops.transpose(y, self.perm) if self.perm else y

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "perm": self.perm}


@keras.saving.register_keras_serializable(PACKAGE)
class Reverse(FrontcLayer):
    """Flips ``axis``."""

    def __init__(self, axis: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.supports_masking = True  # takes a recurrent layer's masked output; passes no mask on

    def call(self, x: Any) -> Any:
        return ops.flip(x, axis=self.axis)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


@keras.saving.register_keras_serializable(PACKAGE)
class Take(FrontcLayer):
    """Entry ``index`` of axis 0 (one direction's state)."""

    def __init__(self, index: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = int(index)

    def call(self, x: Any) -> Any:
        return x[self.index]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "index": self.index}


@keras.saving.register_keras_serializable(PACKAGE)
class ZeroMasked(FrontcLayer):
    """A (batch, steps, features) sequence with the steps where ``mask`` is false set to zero
    (Keras repeats the last output there; the IR has zeros)."""

    def call(self, inputs: Any) -> Any:
        y, mask = inputs
        return y * ops.cast(mask, y.dtype)[..., None]

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None


@keras.saving.register_keras_serializable(PACKAGE)
class Attention(FrontcLayer):
    """softmax(Q K^T * scale [+ mask]) V of its three or four inputs."""

    def __init__(self, scale: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = float(scale)

    def call(self, inputs: Any) -> Any:
        q, k, v = inputs[:3]
        scores = tf.matmul(q, k, transpose_b=True) * tf.cast(self.scale, q.dtype)
        if len(inputs) > 3:
            scores = scores + inputs[3]
        return tf.matmul(tf.nn.softmax(scores, axis=-1), v)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale}


@keras.saving.register_keras_serializable(PACKAGE)
class GatherElements(FrontcLayer):
    """take_along_axis along ``axis`` of X cut to the indices' ``extent`` (negative indices wrapped)."""

    def __init__(self, axis: int = 0, extent: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis, self.extent = int(axis), [int(d) for d in extent]

    def call(self, inputs: Any) -> Any:
        x, index = inputs
        index = tf.where(index < 0, index + tf.cast(tf.shape(x)[self.axis], index.dtype), index)
        x = x[tuple(slice(None) if k == self.axis else slice(0, d) for k, d in enumerate(self.extent))]
        return tf.experimental.numpy.take_along_axis(x, index, self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "extent": self.extent}


TF_SCATTER = {"none": tf.tensor_scatter_nd_update, "add": tf.tensor_scatter_nd_add,
              "max": tf.tensor_scatter_nd_max, "min": tf.tensor_scatter_nd_min}


@keras.saving.register_keras_serializable(PACKAGE)
class Scatter(FrontcLayer):
    """ScatterND (``axis`` -1) or ScatterElements (``axis`` >= 0, its element indices made full index
    tuples) -> tf.tensor_scatter_nd_update / add / max / min; negative indices wrapped."""

    def __init__(self, axis: int = -1, reduction: str = "none", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis, self.reduction = int(axis), reduction

    def call(self, inputs: Any) -> Any:
        x, index, updates = inputs
        index = tf.cast(index, tf.int64)
        if self.axis >= 0:
            index = tf.where(index < 0, index + int(x.shape[self.axis]), index)
            grid = tf.meshgrid(*[tf.range(d, dtype=tf.int64) for d in index.shape], indexing="ij")
            grid[self.axis] = index
            index = tf.stack(grid, axis=-1)
        else:
            dims = tf.constant([int(d) for d in x.shape[:index.shape[-1]]], tf.int64)
            index = tf.where(index < 0, index + dims, index)
        return TF_SCATTER[self.reduction](x, index, updates)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "reduction": self.reduction}


@keras.saving.register_keras_serializable(PACKAGE)
class GatherND(FrontcLayer):
    """tf.gather_nd with ``batch_dims`` (negative indices wrapped)."""

    def __init__(self, batch_dims: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.batch_dims = int(batch_dims)

    def call(self, inputs: Any) -> Any:
        x, index = inputs[0], tf.cast(inputs[1], tf.int64)
        b = self.batch_dims
        dims = tf.constant([int(d) for d in x.shape[b:b + index.shape[-1]]], tf.int64)
        return tf.gather_nd(x, tf.where(index < 0, index + dims, index), batch_dims=b)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "batch_dims": self.batch_dims}
