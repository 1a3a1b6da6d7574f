"""C for a depthwise Conv (one input channel per output channel, any kernel, stride, dilation, pads).

Each output row sums its KH x KW taps in one pass with the channel's weights in locals (unrolled at
emit): rows above or below the input read a zero row, columns whose window lies inside the input take
the unrolled taps (they vectorize along the row), the few border columns loop over their tap range. With
a column stride s > 1 each input row is first split into s phases (x[k s + r] -> phase r), so that the
unrolled taps read contiguous integers. The row of exact accumulators is then requantized."""
from __future__ import annotations

import numpy as np

from frontc.cmodel import requant
from frontc.cmodel.context import LayerContext, window_range, x_zero_point


def scratch_bytes(ctx: LayerContext, g: dict[str, int]) -> int:
    """The phase rows of one channel of a strided depthwise Conv."""
    size = np.dtype(ctx.dtypes[ctx.node.inputs[0]]).itemsize
    return g["H"] * g["SW"] * (-(-g["W"] // g["SW"])) * size if g["SW"] > 1 else 0


def _interior(g: dict[str, int]) -> tuple[int, int]:
    """The output columns [lo, hi) whose whole window lies inside the input row."""
    lo = -(-g["PL"] // g["SW"])
    top = g["W"] - 1 + g["PL"] - (g["KW"] - 1) * g["DW"]
    hi = min(top // g["SW"] + 1 if top >= 0 else 0, g["OW"])
    return min(lo, hi), hi


def depthwise(ctx: LayerContext, channels: int, g: dict[str, int], init: str, at: str) -> str:
    """The layer body (``x``, ``y``, ``w``, ``bias``, ``res`` are declared by the caller)."""
    xt = ctx.ctype(ctx.node.inputs[0])
    zx = x_zero_point(ctx)  # an imported asymmetric input: every tap reads x - z, rows outside hold z
    kh, kw, sw = g["KH"], g["KW"], g["SW"]
    wp = -(-g["W"] // sw)
    lo, hi = _interior(g)
    weights = " ".join(f"const {at} w{i}_{j} = wm[{i * kw + j}];" for i in range(kh) for j in range(kw))
    rows = "\n".join(f"    const int h{i} = oh * SH - PT + {i} * DH, in{i} = h{i} >= 0 && h{i} < H;\n"
                     f"    r[{i}] = in{i} ? xc + (size_t)h{i} * W : zero;" for i in range(kh))
    taps = []
    for i in range(kh):
        for j in range(kw):
            col = j * g["DW"] - g["PL"]
            phase, shift = col % sw, col // sw
            tap = f"p{i}_{phase}[ow + {shift}]" if sw > 1 else f"p{i}_0[ow + {col}]"
            taps.append(f"w{i}_{j} * ({tap} - {zx})" if zx else f"w{i}_{j} * {tap}")
    if sw > 1:  # the channel's rows split into phases once, each output row points at its phase rows
        plane = "".join(f"  for (k = 0; k < {-(-(g['W'] - r) // sw)}; k++) d[{r * wp} + k] = s[k * SW + {r}];\n"
                        for r in range(sw))
        plane = (f"  for (i = 0; i < H; i++) {{\n    const {xt} *s = xc + (size_t)i * W;\n"
                 f"    {xt} *d = ph + (size_t)i * SW * {wp};\n{plane}  }}\n")
        split = "".join(f"    const {xt} *p{i}_{r} = in{i} ? ph + ((size_t)h{i} * SW + {r}) * {wp} : zero;\n"
                        for i in range(kh) for r in range(sw))
    else:
        plane = ""
        split = "\n".join(f"    const {xt} *p{i}_0 = r[{i}];" for i in range(kh)) + "\n"
    border = f"""{{
      {at} s = {init};
      {window_range("c", "ow", sw, g["PL"], g["DW"], kw, g["W"])}
      for (i = 0; i < KH; i++) for (j = clo; j < chi; j++) s += ({at})wm[i * KW + j] * (r[i][c0 + j * DW] - {zx});
      acc[ow] = s;
    }}"""
    return f"""int n, m, oh, ow, i, j, k;
{f"static const {xt} zero[W];" if not zx else f"{xt} zero[W];"}
{f"for (k = 0; k < W; k++) zero[k] = {zx};" if zx else ""}
{xt} *ph = ({xt} *)cm_scratch;
{at} acc[OW];
const {xt} *r[KH];
for (n = 0; n < N; n++) for (m = 0; m < M; m++) {{
  const {xt} *xc = x + ((size_t)n * C + m / MG) * H * W;
  const {ctx.ctype(ctx.node.inputs[1])} *wm = w + (size_t)m * KH * KW;
  {weights}
{plane}  for (oh = 0; oh < OH; oh++) {{
{rows}
{split}    for (ow = 0; ow < {lo}; ow++) {border}
    for (ow = {lo}; ow < {hi}; ow++) acc[ow] = {init} + {' + '.join(taps)};
    for (ow = {hi}; ow < OW; ow++) {border}
    {requant.run(ctx, "m", "OW", "acc", "(((size_t)n * M + m) * OH + oh) * OW", channels)}
  }}
}}"""
