"""Resize as Keras layers, each coordinate_transformation_mode mapped exactly.

Native where one computes the same samples: UpSampling2D when nearest picks are an
integer repeat, Resizing (TF2 bilinear = ONNX half_pixel) and TF's v1 bilinear
(align_corners, or 'asymmetric') when the scale is exactly out/in. Anything else is
a ResizeGather layer with source indices (and linear weights) computed here, with
the interpreter's exact coordinate arithmetic.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import keras

from frontc.backends.tf import layout
from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_window import ResizeBilinear, ResizeGather, ResizeMatrix
from frontc.backends.tf.registry import factory
from frontc.interpreter.kernels.resize import source_coordinates
from frontc.ir.graph import Node

ROUNDING = {"round_prefer_floor": lambda c: math.ceil(c - Fraction(1, 2)),
            "round_prefer_ceil": lambda c: math.floor(c + Fraction(1, 2)),
            "floor": math.floor, "ceil": math.ceil}


def _steps(a: dict[str, Any], before: tuple[int, ...], after: tuple[int, ...],
           scales: list[Fraction], nhwc: bool) -> list[dict[str, Any]]:
    """ResizeGather steps (physical axes) for every axis the resize changes."""
    steps = []
    for ax, (size, out, scale) in enumerate(zip(before, after, scales)):
        if out == size and scale == 1:
            continue
        coords = source_coordinates(out, size, scale, a["coordinate_transformation_mode"])
        step: dict[str, Any] = {"axis": layout.axis(ax, len(before), nhwc)}
        if a["mode"] == "nearest":
            step["index"] = [min(max(ROUNDING[a["nearest_mode"]](c), 0), size - 1) for c in coords]
        else:
            coords = [min(max(c, Fraction(0)), Fraction(size - 1)) for c in coords]
            step["low"] = [math.floor(c) for c in coords]
            step["high"] = [min(low + 1, size - 1) for low in step["low"]]
            step["frac"] = [float(c - low) for c, low in zip(coords, step["low"])]
        steps.append(step)
    return steps


def _repeats(steps: list[dict[str, Any]], before: tuple[int, ...]) -> list[int] | None:
    """Integer factors (H, W) when every nearest pick is ``i // factor``, else None."""
    factors = {2: 1, 3: 1}
    for step in steps:
        ax = {1: 2, 2: 3}.get(step["axis"])
        index = step.get("index")
        if ax is None or index is None or len(index) % before[ax]:
            return None
        factor = len(index) // before[ax]
        if index != [i // factor for i in range(len(index))]:
            return None
        factors[ax] = factor
    return [factors[2], factors[3]]


def _native_bilinear(a: dict[str, Any], before: tuple[int, ...], after: tuple[int, ...],
                     scales: list[Fraction], name: str) -> keras.layers.Layer | None:
    """A TF bilinear resize computing the IR's samples on H, W, or None."""
    exact = all(s == Fraction(o, i) for s, o, i in zip(scales[2:], after[2:], before[2:]))
    mode = a["coordinate_transformation_mode"]
    if mode == "pytorch_half_pixel" and min(after[2:]) > 1:
        mode = "half_pixel"
    if mode == "half_pixel" and exact:
        return keras.layers.Resizing(after[2], after[3], interpolation="bilinear", name=name)
    if mode == "align_corners" or (mode == "asymmetric" and exact):
        return ResizeBilinear(after[2:], mode == "align_corners", name=name)
    return None


@factory("Resize")
def resize(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Resize -> UpSampling2D / Resizing / ResizeBilinear when exact, else ResizeGather; cubic ->
    ResizeMatrix (one constant matrix per resized axis, the interpreter's)."""
    x, out = node.inputs[0], node.outputs[0]
    if a["mode"] == "cubic":
        from frontc.interpreter.kernels.resize import cubic_matrix, resized_axes

        nhwc = ctx.is_nhwc(x)
        steps = [{"axis": layout.axis(axis, ctx.rank(x), nhwc), "matrix": cubic_matrix(o, i, s, a).tolist()}
                 for axis, o, i, s in resized_axes(ctx.shape(x), a)]
        ctx.set(out, ctx.call(ResizeMatrix(steps, name=ctx.name()), ctx.get(x)), nhwc)
        return
    before, after = ctx.shape(x), ctx.shape(out)
    scales = [Fraction(s) for s in a["scales"]] or [Fraction(o, i) for o, i in zip(after, before)]
    spatial = len(before) == 4 and before[:2] == after[:2] and scales[:2] == [1, 1]
    nhwc = spatial or ctx.is_nhwc(x)
    steps = _steps(a, before, after, scales, nhwc)
    name, layer = ctx.name(), None
    if spatial and a["mode"] == "nearest":
        factors = _repeats(steps, before)
        if factors is not None:
            layer = keras.layers.UpSampling2D(factors, interpolation="nearest", name=name,
                                              **ctx.float_kwargs(x))
    elif spatial and ctx.dtype(x) == "float32":
        layer = _native_bilinear(a, before, after, scales, name)
    if layer is None:
        layer = ResizeGather(steps, name=name)
    ctx.set(out, ctx.call(layer, ctx.get(x, nhwc)), nhwc)
