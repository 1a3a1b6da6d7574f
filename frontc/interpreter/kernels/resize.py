"""Resize: nearest, (multi)linear and cubic, with the ONNX coordinate conventions."""
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


def cubic_weights(t: float, a: float) -> list[float]:
    """Keys cubic convolution weights of the taps at -1, 0, 1, 2 for a fractional offset ``t``."""
    def near(d: float) -> float:
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d: float) -> float:
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def cubic_matrix(out: int, size: int, scale: Fraction, a: dict[str, Any]) -> np.ndarray:
    """(out, size) float64 matrix of the cubic resize of one axis (taps clamped to the edge, or
    dropped and renormalized with exclude_outside)."""
    matrix = np.zeros((out, size))
    for row, c in enumerate(source_coordinates(out, size, scale, a["coordinate_transformation_mode"])):
        base = math.floor(c)
        weights = cubic_weights(float(c - base), a["cubic_coeff_a"])
        taps = [(base + k - 1, w) for k, w in enumerate(weights)]
        if a["exclude_outside"]:
            taps = [(i, w) for i, w in taps if 0 <= i < size]
            total = sum(w for _, w in taps)
            taps = [(i, w / total) for i, w in taps]
        for i, w in taps:
            matrix[row, min(max(i, 0), size - 1)] += w
    return matrix


def resized_axes(shape: tuple[int, ...], a: dict[str, Any]) -> list[tuple[int, int, int, Fraction]]:
    """(axis, out, size, scale) of every axis the resize changes."""
    sizes = resized_shape(shape, a)
    scales = [Fraction(s) for s in a["scales"]] or [Fraction(o, i) for o, i in zip(sizes, shape)]
    return [(axis, out, size, scale) for axis, (out, size, scale) in enumerate(zip(sizes, shape, scales))
            if not (out == size and scale == 1)]


@kernel("Resize")
def resize(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    if a["mode"] == "cubic":
        y = x.astype(np.float64)
        for axis, out, size, scale in resized_axes(x.shape, a):
            y = np.moveaxis(np.tensordot(cubic_matrix(out, size, scale, a), np.moveaxis(y, axis, 0), 1), 0, axis)
        return np.ascontiguousarray(y.astype(x.dtype))
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
