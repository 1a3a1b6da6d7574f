"""C for Conv (groups, depthwise, dilation, stride, asymmetric pads, fused residual and activation)
and Dense: exact integer accumulators, then the requantization of ``frontc.quant.integer.weighted``."""
from __future__ import annotations

import math

import numpy as np

from frontc.cmodel.context import LayerContext, window_range
from frontc.quant.annotations import TensorQuant
from frontc.quant.integer import _clamp_bounds

BLOCK = 4  # output channels computed together (one input row, four weight rows)


def unsupported(ctx: LayerContext) -> str | None:
    """Why this Conv/Dense has no C kernel, or None."""
    rank = len(ctx.shape(ctx.node.inputs[0]))
    if ctx.node.op == "Conv" and rank not in (3, 4):
        return f"{rank - 2}-d convolution"
    if len(ctx.node.inputs) < 2 or ctx.node.inputs[1] not in ctx.graph.params:
        return "weights that are not a constant"
    return None


def _weight_rows(ctx: LayerContext) -> str:
    w = ctx.param(1)
    return ctx.blob.add(w.reshape(w.shape[0], -1), str(w.dtype))


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
    if len(node.inputs) > 2 and node.inputs[2]:
        lines.append(f"const int32_t *bias = {ctx.blob.add(ctx.param(2), 'int32')};")
    if node.op == "Conv" and len(node.inputs) > 3 and node.inputs[3]:
        lines.append(f"const {ctx.ctype(node.inputs[3])} *res = {ctx.ptr(node.inputs[3])};")
    return lines


def _acc_type(ctx: LayerContext) -> str:
    return "int32_t" if ctx.quant.get("accumulator", "int64") == "int32" else "int64_t"


def _dots(ctx: LayerContext, first: str, last: str, index: str, channels: int) -> str:
    """For m in [first, last): acc = bias[m] + dot(w[m], row) over K, in blocks of BLOCK rows."""
    at = _acc_type(ctx)
    init = "bias[m + {b}]" if len(ctx.node.inputs) > 2 and ctx.node.inputs[2] else "0"
    block = "\n".join(f"{at} acc{b} = {init.format(b=b)};" for b in range(BLOCK))
    block += "\nfor (k = 0; k < K; k++) { " + " ".join(
        f"acc{b} += ({at})w[(size_t)(m + {b}) * K + k] * row[k];" for b in range(BLOCK)) + " }\n"
    block += "\n".join(epilogue(ctx, f"acc{b}", f"m + {b}", index.format(m=f"(m + {b})"), channels)
                       for b in range(BLOCK))
    single = f"{at} acc = {init.format(b=0)};\nfor (k = 0; k < K; k++) acc += ({at})w[(size_t)m * K + k] * row[k];\n"
    single += epilogue(ctx, "acc", "m", index.format(m="m"), channels)
    return (f"for (m = {first}; m + {BLOCK} <= {last}; m += {BLOCK}) {{\n{block}\n}}\n"
            f"for (; m < {last}; m++) {{\n{single}\n}}")


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
    consts += f"enum {{ P = {oh * ow}, K = {c // group * kernel[0] * kernel[1]} }};\n"
    lines = _pointers(ctx)
    if g["CG"] == 1:
        return consts + "\n".join(lines) + "\n" + _depthwise(ctx, m, g)
    xt = ctx.ctype(node.inputs[0])
    body = f"""{xt} *col = ({xt} *)cm_scratch;
int n, gi, p, m, k, oh, ow, c, i, j;
for (n = 0; n < N; n++) for (gi = 0; gi < G; gi++) {{
  const {xt} *xg = x + ((size_t)n * C + (size_t)gi * CG) * H * W;
  for (oh = 0; oh < OH; oh++) for (ow = 0; ow < OW; ow++) {{
    {xt} *r = col + (size_t)(oh * OW + ow) * K;
    {window_range("h", "oh", g["SH"], g["PT"], g["DH"], g["KH"], g["H"])}
    {window_range("w", "ow", g["SW"], g["PL"], g["DW"], g["KW"], g["W"])}
    memset(r, 0, sizeof({xt}) * K);
    for (c = 0; c < CG; c++) for (i = hlo; i < hhi; i++) for (j = wlo; j < whi; j++)
      r[(c * KH + i) * KW + j] = xg[((size_t)c * H + h0 + i * DH) * W + w0 + j * DW];
  }}
  for (p = 0; p < P; p++) {{
    const {xt} *row = col + (size_t)p * K;
    {_dots(ctx, "gi * MG", "(gi + 1) * MG", "((size_t)n * M + {m}) * P + p", m)}
  }}
}}"""
    return consts + "\n".join(lines) + "\n" + body


def scratch_bytes(ctx: LayerContext) -> int:
    """The im2col buffer this node needs."""
    if ctx.node.op != "Conv":
        return 0
    w = ctx.param(1)
    out = ctx.shape(ctx.node.outputs[0])
    return math.prod(out[2:]) * math.prod(w.shape[1:]) * np.dtype(ctx.dtypes[ctx.node.inputs[0]]).itemsize


def _depthwise(ctx: LayerContext, channels: int, g: dict[str, int]) -> str:
    at = _acc_type(ctx)
    init = "bias[m]" if len(ctx.node.inputs) > 2 and ctx.node.inputs[2] else "0"
    return f"""int n, m, oh, ow, i, j;
for (n = 0; n < N; n++) for (m = 0; m < M; m++) {{
  const {ctx.ctype(ctx.node.inputs[0])} *xc = x + ((size_t)n * C + m / MG) * H * W;
  const {ctx.ctype(ctx.node.inputs[1])} *wm = w + (size_t)m * KH * KW;
  for (oh = 0; oh < OH; oh++) for (ow = 0; ow < OW; ow++) {{
    {at} acc = {init};
    {window_range("h", "oh", g["SH"], g["PT"], g["DH"], g["KH"], g["H"])}
    {window_range("w", "ow", g["SW"], g["PL"], g["DW"], g["KW"], g["W"])}
    for (i = hlo; i < hhi; i++) for (j = wlo; j < whi; j++)
      acc += ({at})wm[i * KW + j] * xc[(size_t)(h0 + i * DH) * W + w0 + j * DW];
    {epilogue(ctx, "acc", "m", "(((size_t)n * M + m) * OH + oh) * OW + ow", channels)}
  }}
}}"""


def dense(ctx: LayerContext) -> str:
    node = ctx.node
    shape, w = ctx.shape(node.inputs[0]), ctx.param(1)
    rows, k, o = math.prod(shape[:-1]), shape[-1], w.shape[0]
    lines = _pointers(ctx)
    return (f"enum {{ R = {rows}, K = {k}, O = {o} }};\n" + "\n".join(lines) +
            f"\nint r, m, k;\nfor (r = 0; r < R; r++) {{\n  const {ctx.ctype(node.inputs[0])} *row = x + (size_t)r * K;\n"
            f"  {_dots(ctx, '0', 'O', '(size_t)r * O + {m}', o)}\n}}")
