"""Resize: nearest and (multi)linear, with the ONNX coordinate conventions."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel
from frontc.ir.ops.tensor import resized_shape


def source_coordinates(out_size: int, in_size: int, scale: Fraction, mode: str) -> list[Fraction]:
    """Where each output index samples the input, in input coordinates, computed exactly:
    rounding error would move nearest picks that fall on a tie (e.g. 2.0 with floor)."""
    half = Fraction(1, 2)
    xs = [Fraction(x) for x in range(out_size)]
    if mode == "half_pixel" or (mode == "pytorch_half_pixel" and out_size > 1):
        return [(x + half) / scale - half for x in xs]
    if mode in ("pytorch_half_pixel", "align_corners") and out_size == 1:
        return [Fraction(0)]
    if mode == "align_corners":
        return [x * (in_size - 1) / (out_size - 1) for x in xs]
    if mode == "asymmetric":
        return [x / scale for x in xs]
    if mode == "tf_half_pixel_for_nn":
        return [(x + half) / scale for x in xs]
    if mode == "half_pixel_symmetric":
        offset = Fraction(in_size, 2) * (1 - out_size / (scale * in_size))
        return [offset + (x + half) / scale - half for x in xs]
    raise ValueError(f"unknown coordinate_transformation_mode {mode}")


_ROUNDING = {"round_prefer_floor": lambda c: math.ceil(c - Fraction(1, 2)),
             "round_prefer_ceil": lambda c: math.floor(c + Fraction(1, 2)),
             "floor": math.floor, "ceil": math.ceil}


def _nearest(coords: list[Fraction], rounding: str, in_size: int) -> np.ndarray:
    return np.clip([_ROUNDING[rounding](c) for c in coords], 0, in_size - 1).astype(np.int64)


@kernel("Resize")
def resize(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    sizes = resized_shape(x.shape, a)
    scales = [Fraction(s) for s in a["scales"]] or [Fraction(o, i) for o, i in zip(sizes, x.shape)]
    y = x
    for axis, (out, size, scale) in enumerate(zip(sizes, x.shape, scales)):
        if out == size and scale == 1:
            continue
        coords = source_coordinates(out, size, scale, a["coordinate_transformation_mode"])
        if a["mode"] == "nearest":
            y = np.take(y, _nearest(coords, a["nearest_mode"], size), axis=axis)
            continue
        coords = [min(max(c, Fraction(0)), Fraction(size - 1)) for c in coords]
        low = np.array([math.floor(c) for c in coords], dtype=np.int64)
        high = np.minimum(low + 1, size - 1)
        frac = np.array([float(c - i) for c, i in zip(coords, low)])
        frac = frac.reshape([-1 if i == axis else 1 for i in range(x.ndim)])
        lo, hi = np.take(y, low, axis=axis), np.take(y, high, axis=axis)
        y = (lo + (hi - lo) * frac).astype(x.dtype)
    return np.ascontiguousarray(y)
