"""C for ConvTranspose (groups, stride, dilation, pads, output_padding; 1-d to 3-d): every input pixel
scatters its products into a plane of exact integer accumulators (bias first), then the plane is
requantized by ``frontc.cmodel.requant``, as ``frontc.quant.integer.weighted`` does."""
from __future__ import annotations

import math

import numpy as np

from frontc.cmodel import requant
from frontc.cmodel.context import LayerContext, x_zero_point
from frontc.cmodel.weighted import acc_type


def _geometry(ctx: LayerContext) -> dict[str, int]:
    """The sizes of the layer as a 3-d transposed convolution (1-d and 2-d ones have leading axes of 1)."""
    a, node = ctx.attrs, ctx.node
    shape, out, w = ctx.shape(node.inputs[0]), ctx.shape(node.outputs[0]), ctx.param(1)
    n = len(shape) - 2
    lead = [1] * (3 - n)
    pads = list(a["pads"] or [0] * 2 * n)
    strides, dilations = lead + list(a["strides"] or [1] * n), lead + list(a["dilations"] or [1] * n)
    begin = [0] * (3 - n) + pads[:n]
    size, osize, kernel = [*lead, *shape[2:]], [*lead, *out[2:]], [*lead, *w.shape[2:]]
    group = a["group"]
    return dict(N=shape[0], C=shape[1], D=size[0], H=size[1], W=size[2], M=out[1], OD=osize[0], OH=osize[1],
                OW=osize[2], KD=kernel[0], KH=kernel[1], KW=kernel[2], SD=strides[0], SH=strides[1], SW=strides[2],
                DD=dilations[0], DH=dilations[1], DW=dilations[2], PF=begin[0], PT=begin[1], PL=begin[2], G=group,
                CG=shape[1] // group, MG=out[1] // group)


def scratch_bytes(ctx: LayerContext) -> int:
    """One sample's output plane of accumulators."""
    if ctx.node.op != "ConvTranspose":
        return 0
    return math.prod(ctx.shape(ctx.node.outputs[0])[1:]) * (4 if acc_type(ctx) == "int32_t" else 8)


def _range(var: str, tap: str, stride: str, dilation: str, pad: str, size: str, out: str) -> str:
    """C declaring ``{var}lo``/``{var}hi``: the input indices whose tap ``tap`` lands inside the output."""
    return (f"int {var}t = {pad} - {tap} * {dilation}, {var}u = {out} - 1 + {pad} - {tap} * {dilation};\n"
            f"int {var}lo = {var}t <= 0 ? 0 : ({var}t + {stride} - 1) / {stride};\n"
            f"int {var}hi = {var}u < 0 ? 0 : {var}u / {stride} + 1;\n"
            f"if ({var}hi > {size}) {var}hi = {size};\n")


def conv_transpose(ctx: LayerContext) -> str:
    node = ctx.node
    g = _geometry(ctx)
    at, xt, wt = acc_type(ctx), ctx.ctype(node.inputs[0]), ctx.ctype(node.inputs[1])
    has_bias = len(node.inputs) > 2 and node.inputs[2]
    init = "bias[m]" if has_bias else "0"
    zx = x_zero_point(ctx)  # an imported asymmetric input: each product reads x - z
    tap = f"(xr[iw] - {zx})" if zx else "xr[iw]"
    lines = ["".join(f"enum {{ {k} = {v} }};\n" for k, v in g.items()) + "enum { P = OD * OH * OW };",
             f"const {xt} *x = {ctx.ptr(node.inputs[0])};",
             f"{ctx.ctype(node.outputs[0])} *y = {ctx.ptr(node.outputs[0], const=False)};",
             f"const {wt} *w = {ctx.blob.add(ctx.param(1), str(ctx.param(1).dtype))};",
             f"{at} *acc = ({at} *)cm_scratch;"]
    if has_bias:
        lines.append(f"const int32_t *bias = {ctx.blob.add(np.asarray(ctx.param(2)), 'int32')};")
    store = requant.run(ctx, "m", "P", "acc + (size_t)m * P", "((size_t)n * M + m) * P", g["M"])
    return "\n".join(lines) + f"""
int n, m, c, e, i, j, id, ih, iw, p;
for (n = 0; n < N; n++) {{
  for (m = 0; m < M; m++) for (p = 0; p < P; p++) acc[(size_t)m * P + p] = {init};
  for (c = 0; c < C; c++) {{
    const {xt} *xc = x + ((size_t)n * C + c) * D * H * W;
    for (m = (c / CG) * MG; m < (c / CG + 1) * MG; m++) {{
      const {wt} *wm = w + ((size_t)c * MG + m % MG) * KD * KH * KW;
      for (e = 0; e < KD; e++) {{
        {_range("d", "e", "SD", "DD", "PF", "D", "OD")}
        for (i = 0; i < KH; i++) {{
          {_range("h", "i", "SH", "DH", "PT", "H", "OH")}
          for (j = 0; j < KW; j++) {{
            {at} wv = wm[(e * KH + i) * KW + j];
            {_range("w", "j", "SW", "DW", "PL", "W", "OW")}
            for (id = dlo; id < dhi; id++) for (ih = hlo; ih < hhi; ih++) {{
              const {xt} *xr = xc + ((size_t)id * H + ih) * W;
              {at} *ar = acc + (size_t)m * P + ((size_t)(id * SD + e * DD - PF) * OH + (ih * SH + i * DH - PT)) * OW;
              for (iw = wlo; iw < whi; iw++) ar[iw * SW + j * DW - PL] += wv * {tap};
            }}
          }}
        }}
      }}
    }}
  }}
  for (m = 0; m < M; m++) {store}
}}"""
