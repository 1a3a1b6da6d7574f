"""C for Conv (groups, depthwise, dilation, stride, asymmetric pads, fused residual and activation)
and Dense: exact integer accumulators, then the requantization of ``frontc.quant.integer.weighted``."""
from __future__ import annotations

import math

import numpy as np

from frontc.cmodel.context import LayerContext, window_range
from frontc.quant.annotations import TensorQuant
from frontc.quant.integer import _clamp_bounds

WEIGHTED = ("Conv", "ConvTranspose", "Dense")
BLOCK = 4  # output channels computed together (one input row, four weight rows)
TILE = 64  # output positions whose accumulators are requantized together


def unsupported(ctx: LayerContext) -> str | None:
    """Why this Conv/Dense has no C kernel, or None."""
    rank = len(ctx.shape(ctx.node.inputs[0]))
    if ctx.node.op != "Dense" and rank not in (3, 4):
        return f"{rank - 2}-d {ctx.node.op}"
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
    bound = (k + 63) // 64 * 64 * 255 * 128 + int(bias) \
        + (128 + abs(x_zero_point(ctx))) * int(np.abs(w.sum(axis=1)).max(initial=0))
    x = ctx.dtypes[ctx.node.inputs[0]]
    depthwise = ctx.node.op == "Conv" and ctx.param(1).shape[1] == 1
    int8 = x == "int8" and ctx.param(1).dtype == np.int8 and acc_type(ctx) == "int32_t"
    if int8 and not depthwise and bound < 2**31:
        return 128, (k + 63) // 64 * 64, "uint8_t"
    return 0, k, ctx.ctype(ctx.node.inputs[0])


def _weight_rows(ctx: LayerContext) -> str:
    w = ctx.param(1)
    rows = w.reshape(w.shape[0], -1)
    _, kp, _ = row_plan(ctx)
    return ctx.blob.add(np.pad(rows, ((0, 0), (0, kp - rows.shape[1]))), str(w.dtype))


def x_zero_point(ctx: LayerContext) -> int:
    """The input's zero point (imported asymmetric models; 0 for frontc's own): padded taps hold it and
    the bias absorbs -z * sum(w), so the dot products sum (x - z) * w with pads as real zeros."""
    return int(TensorQuant.from_meta(ctx.quant["x"]).zero_point) if "x" in ctx.quant else 0


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


def epilogue(ctx: LayerContext, acc: str, ch: str, index: str, channels: int) -> str:
    """Statements storing the requantized ``acc`` of channel ``ch`` into ``y[index]``."""
    nq, node = ctx.quant, ctx.node
    residual = node.op == "Conv" and len(node.inputs) > 3 and node.inputs[3]
    lines = []

    def scaled(key: str, var: str) -> None:
        m, n = ctx.per_channel(nq[key], channels)
        term = f"(int64_t){acc} * {m}[{ch}]"
        if residual:
            mr, _ = ctx.per_channel(nq[f"{key}_residual"], channels)
            term += f" + (int64_t)res[{index}] * {mr}[{ch}]"
        lines.append(f"{var} = cm_shift({term}, {n}[{ch}]);")

    lines.append("{ int64_t v;")
    scaled("requant", "v")
    if "negative" in nq:
        lines.append("if (v < 0) {")
        scaled("negative", "v")
        lines.append("}")
    out = ctx.out()
    if "lut" in nq:
        pre = TensorQuant.from_meta(nq["pre"])
        table = ctx.blob.add(np.asarray(nq["lut"]["table"]), ctx.dtypes[node.outputs[0]])
        offset = int(nq["lut"]["offset"])
        lines.append(f"y[{index}] = {table}[cm_clamp(v, {pre.qmin}, {pre.qmax}) + {offset}];")
    else:
        a = ctx.attrs
        lo, hi = _clamp_bounds(a["activation"], list(a["activation_params"]), out)
        lines.append(f"y[{index}] = ({ctx.ctype(node.outputs[0])})cm_clamp(v + {int(out.zero_point)}, {lo}, {hi});")
    return "\n".join(lines) + " }"


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


def _tiled_dots(ctx: LayerContext, rt: str, channels: int) -> str:
    """Output positions in tiles of TILE: the dot products of BLOCK channels fill a tile of accumulators,
    then each channel's tile is requantized in one loop over contiguous outputs (it vectorizes)."""
    at = acc_type(ctx)
    init = "bias[m + b]" if _bias(ctx) is not None else "0"
    dots = "\n".join(f"{at} acc{b} = {init.replace('b]', f'{b}]')};" for b in range(BLOCK))
    dots += "\nfor (k = 0; k < K; k++) { " + " ".join(
        f"acc{b} += ({at})w[(size_t)(m + {b}) * K + k] * row[k];" for b in range(BLOCK)) + " }\n"
    dots += " ".join(f"tile[{b}][q] = acc{b};" for b in range(BLOCK))
    single = (f"{at} acc = {init.replace('m + b', 'm')};\nfor (k = 0; k < K; k++) acc += ({at})w[(size_t)m * K + k]"
              f" * row[k];\ntile[0][q] = acc;")
    store = epilogue(ctx, "tile[b][q]", "m + b", "((size_t)n * M + m + b) * P + p0 + q", channels)
    return f"""{{ int p0, q, b, pn;
  {at} tile[{BLOCK}][{TILE}];
  for (p0 = 0; p0 < P; p0 += {TILE}) {{
    pn = P - p0 < {TILE} ? P - p0 : {TILE};
    for (m = gi * MG; m < (gi + 1) * MG; m += b) {{
      if (m + {BLOCK} <= (gi + 1) * MG) {{
        for (q = 0; q < pn; q++) {{ const {rt} *row = col + (size_t)(p0 + q) * K;
{dots} }}
        b = {BLOCK};
      }} else {{
        for (q = 0; q < pn; q++) {{ const {rt} *row = col + (size_t)(p0 + q) * K;
{single} }}
        b = 1;
      }}
      {{ int nb = b;
        for (b = 0; b < nb; b++) for (q = 0; q < pn; q++) {store}
        b = nb; }}
    }}
  }}
}}"""


def conv(ctx: LayerContext) -> str:
    node, a = ctx.node, ctx.attrs
    shape, out_shape, w = ctx.shape(node.inputs[0]), ctx.shape(node.outputs[0]), ctx.param(1)
    if len(shape) == 3:  # 1-d: a 2-d convolution of height 1
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
    g = dict(N=n, C=c, H=h, W=wd, M=m, OH=oh, OW=ow, KH=kernel[0], KW=kernel[1], SH=strides[0], SW=strides[1],
             DH=dilations[0], DW=dilations[1], PT=pads[0], PL=pads[1], G=group, CG=c // group, MG=m // group)
    consts = "".join(f"enum {{ {k} = {v} }};\n" for k, v in g.items())
    offset, kp, rt = row_plan(ctx)
    consts += f"enum {{ P = {oh * ow}, K = {kp} }};\n"
    lines = _pointers(ctx)
    if g["CG"] == 1:
        return consts + "\n".join(lines) + "\n" + _depthwise(ctx, m, g)
    xt = ctx.ctype(node.inputs[0])
    body = f"""{rt} *col = ({rt} *)cm_scratch;
int n, gi, p, m, k, oh, ow, c, i, j;
for (n = 0; n < N; n++) for (gi = 0; gi < G; gi++) {{
  const {xt} *xg = x + ((size_t)n * C + (size_t)gi * CG) * H * W;
  for (oh = 0; oh < OH; oh++) for (ow = 0; ow < OW; ow++) {{
    {rt} *r = col + (size_t)(oh * OW + ow) * K;
    {window_range("h", "oh", g["SH"], g["PT"], g["DH"], g["KH"], g["H"])}
    {window_range("w", "ow", g["SW"], g["PL"], g["DW"], g["KW"], g["W"])}
    {_pad_fill(ctx, offset, rt)}
    for (c = 0; c < CG; c++) for (i = hlo; i < hhi; i++) for (j = wlo; j < whi; j++)
      r[(c * KH + i) * KW + j] = ({rt})(xg[((size_t)c * H + h0 + i * DH) * W + w0 + j * DW] + {offset});
  }}
  {_tiled_dots(ctx, rt, m)}
}}"""
    return consts + "\n".join(lines) + "\n" + body


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
    return math.prod(ctx.shape(ctx.node.outputs[0])[2:]) * kp * size


def _depthwise(ctx: LayerContext, channels: int, g: dict[str, int]) -> str:
    """One input channel per output channel: each tap adds a weighted input row slice to an output
    row of accumulators (vectorizes along the row), then the row is requantized."""
    at = acc_type(ctx)
    init = "bias[m]" if _bias(ctx) is not None else "0"
    return f"""int n, m, oh, ow, i, j;
{at} acc[OW];
for (n = 0; n < N; n++) for (m = 0; m < M; m++) {{
  const {ctx.ctype(ctx.node.inputs[0])} *xc = x + ((size_t)n * C + m / MG) * H * W;
  const {ctx.ctype(ctx.node.inputs[1])} *wm = w + (size_t)m * KH * KW;
  for (oh = 0; oh < OH; oh++) {{
    {window_range("h", "oh", g["SH"], g["PT"], g["DH"], g["KH"], g["H"])}
    for (ow = 0; ow < OW; ow++) acc[ow] = {init};
    for (i = hlo; i < hhi; i++) {{
      const {ctx.ctype(ctx.node.inputs[0])} *xr = xc + (size_t)(h0 + i * DH) * W;
      for (j = 0; j < KW; j++) {{
        {at} wv = wm[i * KW + j];
        int t = PL - j * DW, u = W - 1 + PL - j * DW;
        int lo = t <= 0 ? 0 : (t + SW - 1) / SW, hi = u < 0 ? 0 : u / SW + 1;
        if (hi > OW) hi = OW;
        for (ow = lo; ow < hi; ow++) acc[ow] += wv * (xr[ow * SW - t] - {x_zero_point(ctx)});
      }}
    }}
    for (ow = 0; ow < OW; ow++)
      {epilogue(ctx, "acc[ow]", "m", "(((size_t)n * M + m) * OH + oh) * OW + ow", channels)}
  }}
}}"""


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
