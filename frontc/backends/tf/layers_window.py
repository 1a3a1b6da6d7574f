"""Small Keras layers for resizing and windows that no native layer computes exactly."""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf
from keras import ops

from frontc.backends.tf.layers_math import PACKAGE, FrontcLayer


@keras.saving.register_keras_serializable(PACKAGE)
class ResizeGather(FrontcLayer):
    """Resize by precomputed source indices, one physical axis after another.

    ``steps`` holds, per resized axis, ``{"axis", "index"}`` (nearest) or
    ``{"axis", "low", "high", "frac"}`` (linear: ``lo + (hi - lo) * frac``).
    """

    def __init__(self, steps: Sequence[dict[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.steps = [dict(s) for s in steps]

    def call(self, x: Any) -> Any:
        for step in self.steps:
            axis = step["axis"]
            if "index" in step:
                x = ops.take(x, step["index"], axis=axis)
                continue
            low, high = ops.take(x, step["low"], axis=axis), ops.take(x, step["high"], axis=axis)
            shape = [1] * len(x.shape)
            shape[axis] = len(step["frac"])
            frac = ops.reshape(ops.convert_to_tensor(step["frac"], dtype=x.dtype), shape)
            x = low + (high - low) * frac
        return x

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "steps": self.steps}


@keras.saving.register_keras_serializable(PACKAGE)
class ResizeBilinear(FrontcLayer):
    """TF's bilinear resize of an NHWC tensor with its v1 corner conventions (align_corners, or
    neither corners nor half pixels: the ONNX 'asymmetric' mode)."""

    def __init__(self, size: Sequence[int] = (1, 1), align_corners: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.size, self.align_corners = [int(s) for s in size], bool(align_corners)

    def call(self, x: Any) -> Any:
        return tf.raw_ops.ResizeBilinear(images=x, size=self.size, align_corners=self.align_corners,
                                         half_pixel_centers=False)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "align_corners": self.align_corners}


@keras.saving.register_keras_serializable(PACKAGE)
class WindowMax(FrontcLayer):
    """Max over dilated windows of a channels-last tensor (already padded): the maximum of
    one strided slice per kernel tap. Keras' MaxPooling has no dilation."""

    def __init__(self, kernel: Sequence[int] = (), strides: Sequence[int] = (),
                 dilations: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kernel, self.strides = [int(k) for k in kernel], [int(s) for s in strides]
        self.dilations = [int(d) for d in dilations]

    def call(self, x: Any) -> Any:
        sizes = x.shape[1:-1]
        outs = [(size - d * (k - 1) - 1) // s + 1
                for size, k, s, d in zip(sizes, self.kernel, self.strides, self.dilations)]
        result = None
        for tap in itertools.product(*(range(k) for k in self.kernel)):
            index = tuple(slice(t * d, t * d + (o - 1) * s + 1, s)
                          for t, d, s, o in zip(tap, self.dilations, self.strides, outs))
            window = x[(slice(None), *index, slice(None))]
            result = window if result is None else ops.maximum(result, window)
        return result

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "kernel": self.kernel, "strides": self.strides,
                "dilations": self.dilations}


@keras.saving.register_keras_serializable(PACKAGE)
class ResizeMatrix(FrontcLayer):
    """Resizes physical axes one after another by constant (out, in) matrices, in float64."""

    def __init__(self, steps: Sequence[dict[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.steps = [{"axis": int(s["axis"]), "matrix": [list(map(float, r)) for r in s["matrix"]]} for s in steps]

    def call(self, x: Any) -> Any:
        y = tf.cast(x, tf.float64)
        for step in self.steps:
            axis = step["axis"]
            moved = tf.experimental.numpy.moveaxis(y, axis, 0)
            y = tf.experimental.numpy.moveaxis(tf.tensordot(tf.constant(step["matrix"], tf.float64), moved, 1), 0, axis)
        return tf.cast(y, x.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "steps": self.steps}
