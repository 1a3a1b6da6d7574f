"""ONNX DFT as Einsums with constant cosine and sine matrices (real or complex input, forward or
inverse, one-sided; the axis a constant, an input from opset 20) and AffineGrid as an Einsum with the
constant normalized grid."""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError

LETTERS = "abcdefghij"


@REGISTRY.register("DFT", since=17)
def dft(node: OnnxNode, ctx: Context) -> Value:
    """ONNX DFT: X (..., 1 or 2) along ``axis``; Y (..., 2) = X e^{-+2 pi i k n / N} (/ N when inverse)."""
    x = ctx.x(node, 0)
    shape, dtype = ctx.shape(x), ctx.dtype(x)
    rank = len(shape)
    if node.opset >= 20:
        given = ctx.ints(node, 2, "axis")
        axis = given[0] if given else -2
    else:
        axis = node.attr("axis", 1)
    axis %= rank
    if axis == rank - 1 or rank > len(LETTERS) + 1:
        raise UnsupportedOpError(f"DFT along axis {axis} of a {shape} input is not supported", node=node.name)
    size = shape[axis]
    length = ctx.ints(node, 1, "dft_length")
    if length and length[0] != size:
        raise UnsupportedOpError("DFT with a dft_length other than the axis size is not supported", node=node.name)
    inverse, onesided = node.attr("inverse", 0), node.attr("onesided", 0)
    if inverse and onesided:
        raise UnsupportedOpError("DFT with both inverse and onesided is not supported", node=node.name)
    count = size // 2 + 1 if onesided else size
    phase = 2 * np.pi * np.outer(np.arange(count), np.arange(size)) / size
    scale = 1 / size if inverse else 1.0
    cos = ctx.constant((np.cos(phase) * scale).astype(dtype), f"{node.name}/cos")
    sin = ctx.constant((np.sin(phase) * scale * (1 if inverse else -1)).astype(dtype), f"{node.name}/sin")
    letters = LETTERS[:rank - 1]
    equation = f"{letters},k{letters[axis]}->{letters[:axis]}k{letters[axis + 1:]}"
    parts = [ctx.emit(node, "Squeeze", [ctx.emit(node, "Slice", [x], {"starts": [k], "ends": [k + 1], "axes": [-1],
                                                                         "steps": [1]}, suffix=f"part{k}")],
                      {"axes": [-1]}, suffix=f"component{k}") for k in range(shape[-1])]

    def transform(matrix: Value, k: int, tag: str) -> Value:
        return ctx.emit(node, "Einsum", [parts[k], matrix], {"equation": equation}, suffix=tag)

    real, imag = transform(cos, 0, "re_cos"), transform(sin, 0, "re_sin")
    if len(parts) == 2:  # (a + ib)(cos + i sin) = a cos - b sin + i (a sin + b cos)
        real = ctx.emit(node, "Sub", [real, transform(sin, 1, "im_sin")], suffix="real")
        imag = ctx.emit(node, "Add", [imag, transform(cos, 1, "im_cos")], suffix="imag")
    pair = [ctx.emit(node, "Unsqueeze", [t], {"axes": [-1]}, suffix=f"{tag}_last")
            for t, tag in ((real, "real"), (imag, "imag"))]
    return ctx.emit(node, "Concat", pair, {"axis": -1})


@REGISTRY.register("AffineGrid", since=20)
def affine_grid(node: OnnxNode, ctx: Context) -> Value:
    """ONNX AffineGrid: theta (N, n, n + 1) applied to the constant normalized grid of the (constant)
    size's spatial axes, as one Einsum; the grid (N, ..., n) lists x (the last axis) first."""
    theta = ctx.x(node, 0)
    size = ctx.ints(node, 1, "size")
    spatial = size[2:]
    axes = []
    for extent in spatial:
        steps = np.arange(extent, dtype=np.float64)
        axes.append(-1 + 2 * steps / (extent - 1) if node.attr("align_corners", 0) and extent > 1
                    else -1 + (2 * steps + 1) / extent)
    mesh = np.meshgrid(*axes, indexing="ij")
    base = np.stack([*mesh[::-1], np.ones(spatial)], axis=-1).reshape(-1, len(spatial) + 1)
    points = ctx.constant(base.astype(ctx.dtype(theta)), f"{node.name}/grid")
    grid = ctx.emit(node, "Einsum", [theta, points], {"equation": "bij,pj->bpi"}, suffix="points")
    return ctx.emit(node, "Reshape", [grid], {"shape": [size[0], *spatial, len(spatial)]})
