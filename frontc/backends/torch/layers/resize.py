"""Resize -> nn.Upsample where torch samples exactly where the IR does, else per-axis gathers.

Where each output index samples the input follows the ONNX coordinate transformation and
nearest rounding, computed exactly (Fractions) from the static shapes. torch's modes are
fixed formulas: 'nearest' is floor(x * in / out) (asymmetric + floor), 'nearest-exact' is
floor((x + 0.5) * in / out) (half_pixel + round_prefer_ceil), linear with align_corners
False/True is pytorch_half_pixel/align_corners. Which one, if any, equals the node is
settled by probing: upsampling an index ramp along each axis shows exactly which input index
(nearest) or coordinate (linear) torch reads, and nn.Upsample is used only where that equals
the IR's on every axis. Otherwise the picks become index_select gathers with constant indices
(and, for linear, constant blend weights), one resized axis after another.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node

LINEAR_MODES = {3: "linear", 4: "bilinear", 5: "trilinear"}
_HALF = Fraction(1, 2)
_ROUNDING = {"round_prefer_floor": lambda c: math.ceil(c - _HALF),
             "round_prefer_ceil": lambda c: math.floor(c + _HALF),
             "floor": math.floor, "ceil": math.ceil}


def source_coordinate(x: int, out: int, size: int, scale: Fraction, mode: str) -> Fraction:
    """The input coordinate output index ``x`` samples (ONNX Resize, exact arithmetic)."""
    if mode in ("align_corners", "pytorch_half_pixel") and out == 1:
        return Fraction(0)
    if mode == "align_corners":
        return Fraction(x * (size - 1), out - 1)
    if mode == "asymmetric":
        return x / scale
    if mode == "tf_half_pixel_for_nn":
        return (x + _HALF) / scale
    offset = Fraction(size, 2) * (1 - out / (scale * size)) if mode == "half_pixel_symmetric" else 0
    return offset + (x + _HALF) / scale - _HALF


def axis_samples(out: int, size: int, scale: Fraction, a: dict[str, Any]) -> list[Fraction]:
    """Per output index: the input index it takes (nearest) or its clamped coordinate (linear)."""
    if out == size and scale == 1:
        return [Fraction(x) for x in range(out)]
    coords = [source_coordinate(x, out, size, scale, a["coordinate_transformation_mode"]) for x in range(out)]
    if a["mode"] == "nearest":
        return [Fraction(min(max(_ROUNDING[a["nearest_mode"]](c), 0), size - 1)) for c in coords]
    return [min(max(c, Fraction(0)), Fraction(size - 1)) for c in coords]


class Resample(nn.Module):
    """Resize by gathers along each of ``axes``: constant indices (nearest), or the two
    neighbours blended with constant weights (linear); non-persistent buffers, no IR params."""

    def __init__(self, axes: list[int], linear: bool, buffers: dict[str, torch.Tensor]) -> None:
        super().__init__()
        self.axes, self.linear = axes, linear
        for name, value in buffers.items():
            self.register_buffer(name, value, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for axis in self.axes:
            low = x.index_select(axis, getattr(self, f"low{axis}"))
            if self.linear:
                high = x.index_select(axis, getattr(self, f"high{axis}"))
                low = low + (high - low) * getattr(self, f"weight{axis}")
            x = low
        return x

    def extra_repr(self) -> str:
        return f"axes={self.axes}, {'linear' if self.linear else 'nearest'}"


def _resample(samples: list[list[Fraction]], shape: tuple[int, ...], linear: bool,
              dtype: torch.dtype) -> Resample:
    rank = len(shape)
    axes = [i for i, s in enumerate(samples) if s != [Fraction(x) for x in range(shape[i])]]
    buffers = {}
    for axis in axes:
        low = [math.floor(c) for c in samples[axis]]
        buffers[f"low{axis}"] = torch.tensor(low, dtype=torch.int64)
        if linear:
            buffers[f"high{axis}"] = torch.tensor([min(i + 1, shape[axis] - 1) for i in low], dtype=torch.int64)
            weight = np.array([float(c - i) for c, i in zip(samples[axis], low)])
            buffers[f"weight{axis}"] = torch.from_numpy(weight).to(dtype).reshape(
                [-1 if i == axis else 1 for i in range(rank)])
    return Resample(axes, linear, buffers)


def _native_options(mode: str, rank: int, sizes: tuple[int, ...], scales: list[float]) -> list[dict]:
    if mode == "nearest":
        modes: list[tuple[str, bool | None]] = [("nearest", None), ("nearest-exact", None)]
    else:
        modes = [(LINEAR_MODES[rank], False), (LINEAR_MODES[rank], True)]
    options = []
    for name, align in modes:
        options.append({"size": sizes, "mode": name, "align_corners": align})
        if scales and not align:
            options.append({"scale_factor": tuple(scales), "mode": name, "align_corners": align,
                            "recompute_scale_factor": False})
    return options


def _samples_match(option: dict, samples: list[list[Fraction]], shape: tuple[int, ...]) -> bool:
    """Whether F.interpolate with ``option`` reads, along every spatial axis, what ``samples`` say."""
    n = len(shape) - 2
    dtype = torch.float32 if option["mode"].startswith("nearest") else torch.float64
    for j in range(n):
        size = shape[2 + j]
        ramp = torch.arange(size, dtype=dtype).reshape([size if k == j else 1 for k in range(n)])
        probe = ramp.expand(*shape[2:]).reshape(1, 1, *shape[2:]).contiguous()
        result = F.interpolate(probe, **option)
        if tuple(result.shape[2:]) != tuple(len(s) for s in samples[2:]):
            return False
        line = result[(0, 0, *(slice(None) if k == j else 0 for k in range(n)))].double().numpy()
        if not np.allclose(line, [float(c) for c in samples[2 + j]], rtol=0, atol=1e-9):
            return False
    return True


class CubicResample(nn.Module):
    """Cubic resize as one constant (out, in) matrix per resized axis (non-persistent buffers),
    applied with tensordot in float64 and cast back, as the interpreter does."""

    def __init__(self, matrices: dict[int, np.ndarray]) -> None:
        super().__init__()
        self.axes = sorted(matrices)
        for axis, matrix in matrices.items():
            self.register_buffer(f"matrix{axis}", torch.from_numpy(matrix), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x.double()
        for axis in self.axes:
            y = torch.movedim(torch.tensordot(getattr(self, f"matrix{axis}"), torch.movedim(y, axis, 0), 1), 0, axis)
        return y.to(x.dtype)

    def extra_repr(self) -> str:
        return f"axes={self.axes}"


@layer("Resize")
def resize(node: Node, ctx: LayerContext) -> nn.Module:
    """Resize -> nn.Upsample (nearest, nearest-exact, (bi/tri)linear) where it samples the same
    input positions, else index_select gathers."""
    a, shape, out = ctx.attrs, ctx.shape(0), ctx.out_shape
    if a["mode"] == "cubic":
        from frontc.interpreter.kernels.resize import cubic_matrix, resized_axes

        return CubicResample({axis: cubic_matrix(o, i, s, a) for axis, o, i, s in resized_axes(shape, a)})
    scales = [Fraction(s) for s in a["scales"]] or [Fraction(o, i) for o, i in zip(out, shape)]
    samples = [axis_samples(o, i, s, a) for o, i, s in zip(out, shape, scales)]
    identity = [[Fraction(x) for x in range(d)] for d in shape[:2]]
    if len(shape) in LINEAR_MODES and samples[:2] == identity:
        for option in _native_options(a["mode"], len(shape), out[2:], list(a["scales"][2:])):
            if _samples_match(option, samples, shape):
                return nn.Upsample(**option)
    return _resample(samples, shape, a["mode"] == "linear", ctx.dtype(0))
