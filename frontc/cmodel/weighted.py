"""C for Conv (groups, depthwise, dilation, stride, asymmetric pads, fused residual and activation)
and Dense: exact integer accumulators, then the requantization of ``frontc.quant.integer.weighted``."""
from __future__ import annotations

import math

import numpy as np

from frontc.cmodel import depthwise, requant
from frontc.cmodel.context import LayerContext, window_range, x_zero_point
from frontc.cmodel.requant import epilogue

WEIGHTED = ("Conv", "ConvTranspose", "Dense")
BLOCK = 8  # output channels computed together (one input row, eight weight rows)
TILE = 64  # output positions whose accumulators are requantized together


def unsupported(ctx: LayerContext) -> str | None:
    """Why this Conv/Dense has no C kernel, or None."""
    rank = len(ctx.shape(ctx.node.inputs[0]))
    if ctx.node.op == "ConvTranspose" and rank > 5:
        return f"{rank - 2}-d {ctx.node.op}"
    if ctx.node.op == "Conv" and rank > 4 and x_zero_point(ctx):
        return f"{rank - 2}-d Conv reading a zero point"
    if len(ctx.node.inputs) < 2 or ctx.node.inputs[1] not in ctx.graph.params:
        return "weights that are not a constant"
    return None


def row_plan(ctx: LayerContext) -> tuple[int, int, str]:
    """(offset, padded K, row C type) of the rows the dot products read. int8 x int8 into int32 takes
    the unsigned form: rows hold x + 128 (uint8), K is padded to a multiple of 64 with zero weights and
    the bias absorbs -128 * sum(w): the same integers, in the u8 x s8 shape that compilers vectorize
    (VNNI vpdpbusd, pmaddubsw) when the int32 accumulator still cannot overflow."""
    w = ctx.param(1).reshape(ctx.param(1).shape[0], -1).astype(np.int64)
    k = w.shape[1]
    bias = np.abs(ctx.param(2)).max(initial=0) if len(ctx.node.inputs) > 2 and ctx.node.inputs[2] else 0
    bound = _padded(k) * 255 * 128 + int(bias) \
        + (128 + abs(x_zero_point(ctx))) * int(np.abs(w.sum(axis=1)).max(initial=0))
    x = ctx.dtypes[ctx.node.inputs[0]]
    depthwise = ctx.node.op == "Conv" and ctx.param(1).shape[1] == 1
    int8 = x == "int8" and ctx.param(1).dtype == np.int8 and acc_type(ctx) == "int32_t"
    if int8 and not depthwise and bound < 2**31:
        return 128, _padded(k), "uint8_t"
    return 0, k, ctx.ctype(ctx.node.inputs[0])


def _padded(k: int) -> int:
    """K rounded up to whole vectors: 64 bytes, or 16/32 for short rows (1x1 convs of few channels)."""
    step = 16 if k <= 16 else 32 if k <= 32 else 64
    return (k + step - 1) // step * step


def _weight_rows(ctx: LayerContext) -> str:
    w = ctx.param(1)
    rows = w.reshape(w.shape[0], -1)
    _, kp, _ = row_plan(ctx)
    return ctx.blob.add(np.pad(rows, ((0, 0), (0, kp - rows.shape[1]))), str(w.dtype))


def _bias(ctx: LayerContext) -> np.ndarray | None:
    """The int32 bias with the row offset's and the input zero point's correction -(offset + z) * sum(w)
    folded in (None: no bias)."""
    offset, _, _ = row_plan(ctx)
    depthwise = ctx.node.op == "Conv" and ctx.param(1).shape[1] == 1  # subtracts z per tap instead
    shift = offset + (0 if depthwise else x_zero_point(ctx))
    has = len(ctx.node.inputs) > 2 and ctx.node.inputs[2]
    if not has and not shift:
        return None
    w = ctx.param(1).reshape(ctx.param(1).shape[0], -1).astype(np.int64)
    bias = ctx.param(2).astype(np.int64) if has else np.zeros(w.shape[0], np.int64)
    return bias - shift * w.sum(axis=1)


def _pointers(ctx: LayerContext) -> list[str]:
    node = ctx.node
    x, y = node.inputs[0], node.outputs[0]
    lines = [f"const {ctx.ctype(x)} *x = {ctx.ptr(x)};", f"{ctx.ctype(y)} *y = {ctx.ptr(y, const=False)};",
             f"const {ctx.ctype(node.inputs[1])} *w = {_weight_rows(ctx)};"]
    bias = _bias(ctx)
    if bias is not None:
        lines.append(f"const {acc_type(ctx)} *bias = {ctx.blob.add(bias, acc_type(ctx)[:-2])};")
    if node.op == "Conv" and len(node.inputs) > 3 and node.inputs[3]:
        lines.append(f"const {ctx.ctype(node.inputs[3])} *res = {ctx.ptr(node.inputs[3])};")
    return lines


def acc_type(ctx: LayerContext) -> str:
    return "int32_t" if ctx.quant.get("accumulator", "int64") == "int32" else "int64_t"


def _dots(ctx: LayerContext, first: str, last: str, index: str, channels: int) -> str:
    """For m in [first, last): acc = bias[m] + dot(w[m], row) over K, in blocks of BLOCK rows."""
    at = acc_type(ctx)
    init = "bias[m + {b}]" if _bias(ctx) is not None else "0"
    block = "\n".join(f"{at} acc{b} = {init.format(b=b)};" for b in range(BLOCK))
    block += "\nfor (k = 0; k < K; k++) { " + " ".join(
        f"acc{b} += ({at})w[(size_t)(m + {b}) * K + k] * row[k];" for b in range(BLOCK)) + " }\n"
    block += "\n".join(epilogue(ctx, f"acc{b}", f"m + {b}", index.format(m=f"(m + {b})"), channels)
                       for b in range(BLOCK))
    single = f"{at} acc = {init.format(b=0)};\nfor (k = 0; k < K; k++) acc += ({at})w[(size_t)m * K + k] * row[k];\n"
    single += epilogue(ctx, "acc", "m", index.format(m="m"), channels)
    return (f"for (m = {first}; m + {BLOCK} <= {last}; m += {BLOCK}) {{\n{block}\n}}\n"
            f"for (; m < {last}; m++) {{\n{single}\n}}")


def _tiled_dots(ctx: LayerContext, rt: str, channels: int, rows: str) -> str:
    """Output positions in tiles of TILE: ``rows`` writes the tile's im2col rows (they stay in cache),
    the dot products of BLOCK channels fill a tile of accumulators, then each channel's tile is
    requantized in one loop over contiguous outputs (it vectorizes)."""
    at = acc_type(ctx)
    init = "bias[m + b]" if _bias(ctx) is not None else "0"
    dots = "\n".join(f"{at} acc{b} = {init.replace('b]', f'{b}]')};" for b in range(BLOCK))
    dots += "\nfor (k = 0; k < K; k++) { " + " ".join(
        f"acc{b} += ({at})w[(size_t)(m + {b}) * K + k] * row[k];" for b in range(BLOCK)) + " }\n"
    dots += " ".join(f"tile[{b}][q] = acc{b};" for b in range(BLOCK))
    single = (f"{at} acc = {init.replace('m + b', 'm')};\nfor (k = 0; k < K; k++) acc += ({at})w[(size_t)m * K + k]"
              f" * row[k];\ntile[0][q] = acc;")
    store = requant.run(ctx, "m + b", "pn", "tile[b]", "((size_t)n * M + m + b) * P + p0", channels)
    return f"""{{ int p0, q, b, pn;
  {at} tile[{BLOCK}][{TILE}];
  for (p0 = 0; p0 < P; p0 += {TILE}) {{
    pn = P - p0 < {TILE} ? P - p0 : {TILE};
{rows}
    for (m = gi * MG; m < (gi + 1) * MG; m += b) {{
      if (m + {BLOCK} <= (gi + 1) * MG) {{
        for (q = 0; q < pn; q++) {{ const {rt} *row = col + (size_t)q * K;
{dots} }}
        b = {BLOCK};
      }} else {{
        for (q = 0; q < pn; q++) {{ const {rt} *row = col + (size_t)q * K;
{single} }}
        b = 1;
      }}
      {{ int nb = b;
        for (b = 0; b < nb; b++) {store}
        b = nb; }}
    }}
  }}
}}"""


def geometry(ctx: LayerContext) -> dict[str, int]:
    """The sizes of a Conv as a 2-d convolution (a 1-d one has height 1)."""
    node, a = ctx.node, ctx.attrs
    shape, out_shape, w = ctx.shape(node.inputs[0]), ctx.shape(node.outputs[0]), ctx.param(1)
    if len(shape) == 3:
        shape, out_shape, kernel = (*shape[:2], 1, shape[2]), (*out_shape[:2], 1, out_shape[2]), (1, w.shape[2])
        strides, dilations = [1, *(a["strides"] or [1])], [1, *(a["dilations"] or [1])]
        pads = a["pads"] or [0, 0]
        pads = [0, pads[0], 0, pads[1]]
    else:
        kernel = w.shape[2:]
        strides, dilations = a["strides"] or [1, 1], a["dilations"] or [1, 1]
        pads = a["pads"] or [0, 0, 0, 0]
    n, c, h, wd = shape
    m, oh, ow = out_shape[1:]
    group = a["group"]
    return dict(N=n, C=c, H=h, W=wd, M=m, OH=oh, OW=ow, KH=kernel[0], KW=kernel[1], SH=strides[0], SW=strides[1],
                DH=dilations[0], DW=dilations[1], PT=pads[0], PL=pads[1], G=group, CG=c // group, MG=m // group)


def conv_2d(ctx: LayerContext) -> str:
    node, g = ctx.node, geometry(ctx)
    m, oh, ow = g["M"], g["OH"], g["OW"]
    consts = "".join(f"enum {{ {k} = {v} }};\n" for k, v in g.items())
    offset, kp, rt = row_plan(ctx)
    consts += f"enum {{ P = {oh * ow}, K = {kp} }};\n"
    lines = _pointers(ctx)
    if g["CG"] == 1:
        init = "bias[m]" if _bias(ctx) is not None else "0"
        return consts + "\n".join(lines) + "\n" + depthwise.depthwise(ctx, m, g, init, acc_type(ctx))
    xt = ctx.ctype(node.inputs[0])
    body = f"""{rt} *col = ({rt} *)cm_scratch;
int n, gi, m, k, c, i, j;
for (n = 0; n < N; n++) for (gi = 0; gi < G; gi++) {{
  const {xt} *xg = x + ((size_t)n * C + (size_t)gi * CG) * H * W;
  {_tiled_dots(ctx, rt, m, _rows(ctx, g, rt, offset))}
}}"""
    return consts + "\n".join(lines) + "\n" + body


def _rows(ctx: LayerContext, g: dict[str, int], rt: str, offset: int) -> str:
    """im2col of the tile's positions: each window as a row of K integers x + offset (pads hold offset,
    the padding of K zeros); a window inside the input is copied with loops of constant length."""
    xt, taps = ctx.ctype(ctx.node.inputs[0]), g["CG"] * g["KH"] * g["KW"]
    return f"""    for (q = 0; q < pn; q++) {{
      int oh = (p0 + q) / OW, ow = (p0 + q) % OW;
      {rt} *r = col + (size_t)q * K;
      {window_range("h", "oh", g["SH"], g["PT"], g["DH"], g["KH"], g["H"])}
      {window_range("w", "ow", g["SW"], g["PL"], g["DW"], g["KW"], g["W"])}
      if (hlo == 0 && hhi == KH && wlo == 0 && whi == KW) {{
        for (c = 0; c < CG; c++) for (i = 0; i < KH; i++) {{
          const {xt} *s = xg + ((size_t)c * H + h0 + i * DH) * W + w0;
          {rt} *d = r + (c * KH + i) * KW;
          for (j = 0; j < KW; j++) d[j] = ({rt})(s[j * DW] + {offset});
        }}
        {f"memset(r + {taps}, 0, sizeof({rt}) * {row_plan(ctx)[1] - taps});" if row_plan(ctx)[1] > taps else ""}
      }} else {{
        {_pad_fill(ctx, offset, rt)}
        for (c = 0; c < CG; c++) for (i = hlo; i < hhi; i++) for (j = wlo; j < whi; j++)
          r[(c * KH + i) * KW + j] = ({rt})(xg[((size_t)c * H + h0 + i * DH) * W + w0 + j * DW] + {offset});
      }}
    }}"""


def _pad_fill(ctx: LayerContext, offset: int, rt: str) -> str:
    """Fill a row with the padding value: the input's zero point (+ the row offset)."""
    value = offset + x_zero_point(ctx)
    if offset or not value:
        return f"memset(r, {value}, {'K' if offset else f'sizeof({rt}) * K'});"
    return f"for (k = 0; k < K; k++) r[k] = ({rt}){value};"


def scratch_bytes(ctx: LayerContext) -> int:
    """The im2col buffer this node needs."""
    if ctx.node.op not in ("Conv", "Dense"):
        return 0
    offset, kp, _ = row_plan(ctx)
    size = 1 if offset else np.dtype(ctx.dtypes[ctx.node.inputs[0]]).itemsize
    if ctx.node.op == "Dense":
        return kp * size if offset else 0
    if ctx.param(1).shape[1] == 1 and ctx.param(1).ndim <= 4:
        return depthwise.scratch_bytes(ctx, geometry(ctx))
    return min(TILE, math.prod(ctx.shape(ctx.node.outputs[0])[2:])) * kp * size


def dense(ctx: LayerContext) -> str:
    node = ctx.node
    shape, w = ctx.shape(node.inputs[0]), ctx.param(1)
    rows, k, o = math.prod(shape[:-1]), shape[-1], w.shape[0]
    offset, kp, rt = row_plan(ctx)
    lines = _pointers(ctx)
    if offset:  # the row as uint8 x + 128, zero-padded to K
        row = (f"uint8_t *row = (uint8_t *)cm_scratch;\n  memset(row, 0, K);\n"
               f"  for (k = 0; k < {k}; k++) row[k] = (uint8_t)(x[(size_t)r * {k} + k] + 128);\n")
    else:
        row = f"const {rt} *row = x + (size_t)r * K;\n"
    return (f"enum {{ R = {rows}, K = {kp}, O = {o} }};\n" + "\n".join(lines) +
            f"\nint r, m, k;\nfor (r = 0; r < R; r++) {{\n  {row}"
            f"  {_dots(ctx, '0', 'O', '(size_t)r * O + {m}', o)}\n}}")
