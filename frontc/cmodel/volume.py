"""C for a 3-d (or any-rank) Conv: the im2col rows of each tile of output positions built with one tap
range per spatial axis, then the tiled dot products and requantization of ``frontc.cmodel.weighted``."""
from __future__ import annotations

import math

from frontc.cmodel.context import LayerContext, window_range
from frontc.cmodel.weighted import _pad_fill, _pointers, _tiled_dots, conv_2d, row_plan


def conv(ctx: LayerContext) -> str:
    """Any Conv: 1-d and 2-d by ``frontc.cmodel.weighted`` (with the depthwise fast path), others here."""
    return conv_2d(ctx) if len(ctx.shape(ctx.node.inputs[0])) <= 4 else _conv_nd(ctx)


def _conv_nd(ctx: LayerContext) -> str:
    node, a = ctx.node, ctx.attrs
    shape, outs = ctx.shape(node.inputs[0]), ctx.shape(node.outputs[0])[2:]
    sizes, kernel = shape[2:], ctx.param(1).shape[2:]
    axes = range(len(kernel))
    strides, dilations = a["strides"] or [1] * len(kernel), a["dilations"] or [1] * len(kernel)
    pads = a["pads"] or [0] * 2 * len(kernel)
    group, m = a["group"], ctx.shape(node.outputs[0])[1]
    offset, kp, rt = row_plan(ctx)
    xt = ctx.ctype(node.inputs[0])
    consts = {"N": shape[0], "C": shape[1], "M": m, "G": group, "CG": shape[1] // group, "MG": m // group,
              "P": math.prod(outs), "K": kp}
    position = "".join(f"      int o{i} = (int)(pos % {outs[i]}); pos /= {outs[i]};\n" for i in reversed(axes))
    tap, source = "c", "(size_t)c"
    for i in axes:  # row-major offsets, Horner's way
        tap, source = f"({tap}) * {kernel[i]} + k{i}", f"({source}) * {sizes[i]} + t{i}0 + k{i} * {dilations[i]}"
    rows = (f"    for (q = 0; q < pn; q++) {{\n      size_t pos = (size_t)p0 + q;\n{position}"
            f"      {rt} *r = col + (size_t)q * K;\n"
            + "".join(window_range(f"t{i}", f"o{i}", strides[i], pads[i], dilations[i], kernel[i], sizes[i])
                      for i in axes)
            + f"      {_pad_fill(ctx, offset, rt)}\n      for (c = 0; c < CG; c++) "
            + "".join(f"for (k{i} = t{i}lo; k{i} < t{i}hi; k{i}++) " for i in axes)
            + f"\n        r[{tap}] = ({rt})(xg[{source}] + {offset});\n    }}")
    return ("".join(f"enum {{ {k} = {v} }};\n" for k, v in consts.items()) + "\n".join(_pointers(ctx))
            + f"\n{rt} *col = ({rt} *)cm_scratch;\nint n, gi, m, k, c" + "".join(f", k{i}" for i in axes) + ";\n"
            + "for (n = 0; n < N; n++) for (gi = 0; gi < G; gi++) {\n"
            + f"  const {xt} *xg = x + ((size_t)n * C + (size_t)gi * CG) * {math.prod(sizes)};\n"
            + f"  {_tiled_dots(ctx, rt, m, rows)}\n}}")
