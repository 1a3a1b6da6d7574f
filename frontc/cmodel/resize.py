"""C for linear Resize: the interpreter's float64 interpolation, axis by axis in the same order and
with the same operations (a + (b - a) * frac, no contraction), then the rounding rule. The only
floating-point layer of the C model; its build refuses -ffast-math (see ``frontc.cmodel.build``)."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from frontc.cmodel.context import LayerContext
from frontc.interpreter.kernels.resize import source_coordinates
from frontc.ir.ops.tensor import resized_shape


def _axes(ctx: LayerContext) -> list[tuple[int, list[int], list[int], list[float]]]:
    """(axis, low, high, frac) for every axis the interpreter interpolates, in its order."""
    a = ctx.attrs
    shape = ctx.shape(ctx.node.inputs[0])
    sizes = resized_shape(shape, a)
    scales = [Fraction(s) for s in a["scales"]] or [Fraction(o, i) for o, i in zip(sizes, shape)]
    out = []
    for axis, (n_out, n_in, scale) in enumerate(zip(sizes, shape, scales)):
        if n_out == n_in and scale == 1:
            continue
        coords = source_coordinates(n_out, n_in, scale, a["coordinate_transformation_mode"])
        coords = [min(max(c, Fraction(0)), Fraction(n_in - 1)) for c in coords]
        low = [math.floor(c) for c in coords]
        out.append((axis, low, [min(v + 1, n_in - 1) for v in low], [float(c - v) for c, v in zip(coords, low)]))
    return out


def scratch_bytes(ctx: LayerContext) -> int:
    if ctx.node.op != "Resize" or ctx.attrs["mode"] != "linear":
        return 0
    shape, out = ctx.shape(ctx.node.inputs[0]), ctx.shape(ctx.node.outputs[0])
    largest = max(math.prod(shape), math.prod(out), *(math.prod([*out[:ax + 1], *shape[ax + 1:]])
                                                      for ax, *_ in _axes(ctx)))
    return 2 * 8 * largest


def linear(ctx: LayerContext) -> str:
    node = ctx.node
    x, y = node.inputs[0], node.outputs[0]
    shape, out = list(ctx.shape(x)), ctx.out()
    size = math.prod(shape)
    half = scratch_bytes(ctx) // 2
    lines = [f"const {ctx.ctype(x)} *x = {ctx.ptr(x)};", f"{ctx.ctype(y)} *y = {ctx.ptr(y, const=False)};",
             "double *a = (double *)cm_scratch, *b = (double *)(cm_scratch + " + str(half) + "), *t;",
             "size_t i;", f"for (i = 0; i < {size}; i++) a[i] = (double)x[i];"]
    for axis, low, high, frac in _axes(ctx):
        lo, hi = ctx.blob.add(np.array(low), "int32"), ctx.blob.add(np.array(high), "int32")
        table = "{" + ", ".join(repr(f) for f in frac) + "}"
        outer, inner = math.prod(shape[:axis]), math.prod(shape[axis + 1:])
        lines.append(f"{{ static const double fr[{len(frac)}] = {table};\n"
                     f"  cm_lerp_axis(a, b, {outer}, {shape[axis]}, {len(frac)}, {inner}, {lo}, {hi}, fr);\n"
                     "  t = a; a = b; b = t; }")
        shape[axis] = len(frac)
    lines.append(f"for (i = 0; i < {math.prod(shape)}; i++) y[i] = ({ctx.ctype(y)})cm_clamp(cm_floor(a[i] + 0.5), "
                 f"{out.qmin}, {out.qmax});")
    return "\n".join(lines)
