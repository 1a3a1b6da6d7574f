"""Small Keras layers that move or select data: the IR's shape ops Keras has no layer for.

Axes, pads and shapes in their configs are physical (as the tensor is held inside
the model), already translated from the IR's NCHW by the builder.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from frontc.backends.tf.layers_math import PACKAGE, ConstantHolder, FrontcLayer


def _ints(values: Sequence[int]) -> list[int]:
    return [int(v) for v in values]


@keras.saving.register_keras_serializable(PACKAGE)
class Transpose(FrontcLayer):
    """Permutes every axis, the batch axis included (``keras.layers.Permute`` keeps it first)."""

    def __init__(self, perm: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.perm = _ints(perm)

    def call(self, x: Any) -> Any:
        return ops.transpose(x, self.perm)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "perm": self.perm}


@keras.saving.register_keras_serializable(PACKAGE)
class ReshapeTo(FrontcLayer):
    """Reshapes to a full static shape, batch axis included (``keras.layers.Reshape`` keeps it)."""

    def __init__(self, shape: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shape = _ints(shape)

    def call(self, x: Any) -> Any:
        return ops.reshape(x, self.shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "shape": self.shape}


@keras.saving.register_keras_serializable(PACKAGE)
class Slice(FrontcLayer):
    """Strided slicing: ``slices`` holds (start, stop, step) per axis, None for an open end."""

    def __init__(self, slices: Sequence[Sequence[int | None]] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.slices = [list(s) for s in slices]

    def call(self, x: Any) -> Any:
        return x[tuple(slice(*s) for s in self.slices)]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "slices": self.slices}


@keras.saving.register_keras_serializable(PACKAGE)
class Split(FrontcLayer):
    """Cuts along ``axis`` into pieces of ``sizes``; returns a list."""

    def __init__(self, axis: int = 0, sizes: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis, self.sizes = int(axis), _ints(sizes)

    def call(self, x: Any) -> Any:
        return tf.split(x, self.sizes, axis=self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "sizes": self.sizes}


@keras.saving.register_keras_serializable(PACKAGE)
class Pad(FrontcLayer):
    """Pads (or, for negative pads, crops) every axis: ``pads`` = all begins, then all ends.
    Modes: constant (``value``), reflect, edge (repeats the border)."""

    def __init__(self, pads: Sequence[int] = (), mode: str = "constant", value: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pads, self.mode, self.value = _ints(pads), mode, float(value)

    def call(self, x: Any) -> Any:
        rank = len(self.pads) // 2
        begins, ends = self.pads[:rank], self.pads[rank:]
        if min(self.pads) < 0:
            x = x[tuple(slice(max(0, -b), x.shape[i] - max(0, -e))
                        for i, (b, e) in enumerate(zip(begins, ends)))]
        widths = [[max(0, b), max(0, e)] for b, e in zip(begins, ends)]
        if self.mode == "constant":
            return tf.pad(x, widths, constant_values=tf.cast(self.value, x.dtype))
        if self.mode == "reflect":
            return tf.pad(x, widths, mode="REFLECT")
        for i, (b, e) in enumerate(widths):
            if b or e:
                index = np.clip(np.arange(-b, x.shape[i] + e), 0, x.shape[i] - 1)
                x = ops.take(x, index, axis=i)
        return x

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pads": self.pads, "mode": self.mode, "value": self.value}


@keras.saving.register_keras_serializable(PACKAGE)
class Gather(ConstantHolder):
    """Entries of x along ``axis`` at integer indices (a second input, or the held constant);
    negative indices count from the end."""

    def __init__(self, axis: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)

    def call(self, inputs: Any) -> Any:
        if self.value_shape is None:
            x, index = inputs
        else:
            x, index = inputs, ops.convert_to_tensor(self.value)
        size = ops.cast(x.shape[self.axis], index.dtype)
        index = ops.where(index < 0, index + size, index)
        return tf.gather(x, index, axis=self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


@keras.saving.register_keras_serializable(PACKAGE)
class ShapeOf(FrontcLayer):
    """The (static) shape of its input as int64, in the IR's axis order."""

    def __init__(self, values: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.values = _ints(values)

    def call(self, anchor: Any) -> Any:
        return ops.convert_to_tensor(np.array(self.values, dtype=np.int64))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "values": self.values}


@keras.saving.register_keras_serializable(PACKAGE)
class BroadcastTo(FrontcLayer):
    """Broadcasts to ``shape``."""

    def __init__(self, shape: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shape = _ints(shape)

    def call(self, x: Any) -> Any:
        return ops.broadcast_to(x, self.shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "shape": self.shape}


@keras.saving.register_keras_serializable(PACKAGE)
class Tile(FrontcLayer):
    """Repeats the input ``repeats[i]`` times along axis i."""

    def __init__(self, repeats: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.repeats = _ints(repeats)

    def call(self, x: Any) -> Any:
        return ops.tile(x, self.repeats)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "repeats": self.repeats}


@keras.saving.register_keras_serializable(PACKAGE)
class DepthToSpace(FrontcLayer):
    """NHWC depth-to-space: TF's op for the DCR order, a reshape-transpose for CRD."""

    def __init__(self, block: int = 2, mode: str = "DCR", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block, self.mode = int(block), mode

    def call(self, x: Any) -> Any:
        if self.mode == "DCR":
            return tf.nn.depth_to_space(x, self.block)
        b = self.block
        _, h, w, c = x.shape
        y = ops.reshape(x, (-1, h, w, c // (b * b), b, b))
        y = ops.transpose(y, (0, 1, 4, 2, 5, 3))
        return ops.reshape(y, (-1, h * b, w * b, c // (b * b)))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "block": self.block, "mode": self.mode}


@keras.saving.register_keras_serializable(PACKAGE)
class SpaceToDepth(FrontcLayer):
    """NHWC space-to-depth (TF's op)."""

    def __init__(self, block: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = int(block)

    def call(self, x: Any) -> Any:
        return tf.nn.space_to_depth(x, self.block)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "block": self.block}
