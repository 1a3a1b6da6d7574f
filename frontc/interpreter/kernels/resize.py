"""Resize: nearest and (multi)linear, with the ONNX coordinate conventions."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel
from frontc.ir.ops.tensor import resized_shape


def source_coordinates(out_size: int, in_size: int, scale: float, mode: str) -> np.ndarray:
    """Where each output index samples the input, in input coordinates."""
    x = np.arange(out_size, dtype=np.float64)
    if mode == "half_pixel":
        return (x + 0.5) / scale - 0.5
    if mode == "pytorch_half_pixel":
        return (x + 0.5) / scale - 0.5 if out_size > 1 else np.zeros_like(x)
    if mode == "align_corners":
        return x * (in_size - 1) / (out_size - 1) if out_size > 1 else np.zeros_like(x)
    if mode == "asymmetric":
        return x / scale
    if mode == "tf_half_pixel_for_nn":
        return (x + 0.5) / scale
    if mode == "half_pixel_symmetric":
        adjustment = out_size / (scale * in_size)
        center = in_size / 2
        return center * (1 - adjustment) + (x + 0.5) / scale - 0.5
    raise ValueError(f"unknown coordinate_transformation_mode {mode}")


def _nearest(coords: np.ndarray, rounding: str, in_size: int) -> np.ndarray:
    if rounding == "round_prefer_floor":
        idx = np.ceil(coords - 0.5)
    elif rounding == "round_prefer_ceil":
        idx = np.floor(coords + 0.5)
    elif rounding == "floor":
        idx = np.floor(coords)
    else:
        idx = np.ceil(coords)
    return np.clip(idx, 0, in_size - 1).astype(np.int64)


@kernel("Resize")
def resize(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    sizes = resized_shape(x.shape, a)
    scales = a["scales"] or [o / i for o, i in zip(sizes, x.shape)]
    y = x
    for axis, (out, size, scale) in enumerate(zip(sizes, x.shape, scales)):
        if out == size and scale == 1.0:
            continue
        coords = source_coordinates(out, size, scale, a["coordinate_transformation_mode"])
        if a["mode"] == "nearest":
            y = np.take(y, _nearest(coords, a["nearest_mode"], size), axis=axis)
            continue
        coords = np.clip(coords, 0, size - 1)
        low = np.floor(coords).astype(np.int64)
        high = np.minimum(low + 1, size - 1)
        frac = (coords - low).reshape([-1 if i == axis else 1 for i in range(x.ndim)])
        lo, hi = np.take(y, low, axis=axis), np.take(y, high, axis=axis)
        y = (lo + (hi - lo) * frac).astype(x.dtype)
    return np.ascontiguousarray(y)
