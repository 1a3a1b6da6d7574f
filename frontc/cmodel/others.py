"""C for the layers without weights: pools, Concat with requantization, clamps, lookup
tables, Softmax, and data movement (reshapes as copies, the rest as precomputed gathers)."""
from __future__ import annotations

import math

import numpy as np

from frontc.cmodel import resize
from frontc.cmodel.context import LayerContext, window_range
from frontc.interpreter.registry import get_kernel
from frontc.quant.integer import _clamp_bounds

COPIES = ("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout")
GATHERS = ("Transpose", "Slice", "Split", "SpaceToDepth", "DepthToSpace", "Resize")


def unsupported(ctx: LayerContext) -> str | None:
    """Why this node has no C kernel, or None."""
    node, a = ctx.node, ctx.attrs
    if node.op == "Resize" and a["mode"] not in ("nearest", "linear"):
        return f"Resize mode '{a['mode']}'"
    return None


def _zero_point(ctx: LayerContext, tensor: str) -> int:
    """The zero point an imported asymmetric model subtracts from ``tensor`` first (0 for frontc's own)."""
    return int(ctx.quant.get("zero_points", {}).get(tensor, 0))


def _xy(ctx: LayerContext) -> str:
    x, y = ctx.node.inputs[0], ctx.node.outputs[0]
    return (f"const {ctx.ctype(x)} *x = {ctx.ptr(x)};\n{ctx.ctype(y)} *y = {ctx.ptr(y, const=False)};\n"
            )


def _size(ctx: LayerContext, tensor: str) -> int:
    return math.prod(ctx.shape(tensor))


def pool(ctx: LayerContext) -> str:
    """MaxPool / AvgPool over any number of spatial axes (ceil mode, pads, dilations; count_include_pad
    counts the explicit pads): per axis, the window's taps inside the input as a range."""
    node, a = ctx.node, ctx.attrs
    shape, outs = ctx.shape(node.inputs[0]), ctx.shape(node.outputs[0])[2:]
    sizes, kernel = shape[2:], list(a["kernel_shape"])
    axes = range(len(kernel))
    strides, dilations = a["strides"] or [1] * len(kernel), a.get("dilations") or [1] * len(kernel)
    pads = list(a["pads"] or [0] * 2 * len(kernel))
    out, yt = ctx.out(), ctx.ctype(node.outputs[0])
    index, where = "(size_t)p", "0"
    for i in axes:  # row-major offsets, Horner's way
        index, where = f"({index}) * {outs[i]} + o{i}", f"({where}) * {sizes[i]} + t{i}0 + k{i} * {dilations[i]}"
    head = (_xy(ctx) + "int p" + "".join(f", o{i}, k{i}" for i in axes) + ";\n"
            + f"for (p = 0; p < {shape[0] * shape[1]}; p++) "
            + "".join(f"for (o{i} = 0; o{i} < {outs[i]}; o{i}++) " for i in axes) + "{\n"
            + f"  const {ctx.ctype(node.inputs[0])} *xp = x + (size_t)p * {math.prod(sizes)};\n"
            + "".join(window_range(f"t{i}", f"o{i}", strides[i], pads[i], dilations[i], kernel[i], sizes[i])
                      for i in axes))
    taps = "".join(f"for (k{i} = t{i}lo; k{i} < t{i}hi; k{i}++) " for i in axes) + f"{{ int v = xp[{where}]; "
    if node.op == "MaxPool":
        low = np.iinfo(ctx.dtypes[node.inputs[0]]).min
        return head + f"int best = {low};\n{taps}if (v > best) best = v; }}\n  y[{index}] = ({yt})best;\n}}"
    if a["count_include_pad"]:  # taps within the explicit pads count too (not those of ceil mode)
        ranges = "".join(window_range(f"c{i}", f"o{i}", strides[i], 0, dilations[i], kernel[i],
                                      sizes[i] + pads[i] + pads[len(kernel) + i]) for i in axes)
        count = (f"int64_t count;\n{ranges}count = "
                 + " * ".join(f"(int64_t)(c{i}hi - c{i}lo)" for i in axes) + ";\n")
    else:
        count = "int64_t count = " + " * ".join(f"(int64_t)(t{i}hi - t{i}lo)" for i in axes) + ";\n"
    return head + (f"int64_t total = 0;\n{count}{taps}total += v; }}\n"
                   f"  y[{index}] = ({yt})cm_clamp(count ? cm_divide_round(total, count) : 0, "
                   f"{out.qmin}, {out.qmax});\n}}")


def global_pool(ctx: LayerContext) -> str:
    node = ctx.node
    shape = ctx.shape(node.inputs[0])
    planes, area = shape[0] * shape[1], math.prod(shape[2:])
    out = ctx.out()
    yt = ctx.ctype(node.outputs[0])
    if node.op == "GlobalMaxPool":
        inner = "if (x[(size_t)p * A + i] > acc) acc = x[(size_t)p * A + i];"
        init, store = str(np.iinfo(ctx.dtypes[node.inputs[0]]).min), f"({yt})acc"
    else:
        inner, init = "acc += x[(size_t)p * A + i];", "0"
        store = f"({yt})cm_clamp(cm_divide_round(acc, A), {out.qmin}, {out.qmax})"
        if "requant" in ctx.quant:  # an imported model's rescaling pool: the exact sum requantized
            m, s = ctx.per_channel(ctx.quant["requant"], 1)
            store = (f"({yt})cm_clamp(cm_shift((acc - (int64_t)A * {_zero_point(ctx, node.inputs[0])}) * {m}[0], "
                     f"{s}[0]) + {int(out.zero_point)}, {out.qmin}, {out.qmax})")
    return (_xy(ctx) + f"enum {{ A = {area} }};\nint p, i;\nfor (p = 0; p < {planes}; p++) {{\n"
            f"  int64_t acc = {init};\n  for (i = 0; i < A; i++) {inner}\n  y[p] = {store};\n}}")


def concat(ctx: LayerContext) -> str:
    node = ctx.node
    y = node.outputs[0]
    shape = ctx.shape(y)
    axis = ctx.attrs["axis"] % len(shape)
    outer = math.prod(shape[:axis])
    out = ctx.out()
    lines = [f"{ctx.ctype(y)} *y = {ctx.ptr(y, const=False)};", "size_t o, i, at = 0;",
             f"for (o = 0; o < {outer}; o++) {{"]
    for k, t in enumerate(node.inputs):
        chunk = math.prod(ctx.shape(t)[axis:])
        m, s = ctx.per_channel(ctx.quant["rescale"][t], 1)
        lines.append(f"  {{ const {ctx.ctype(t)} *x{k} = {ctx.ptr(t)} + o * {chunk};\n"
                     f"    for (i = 0; i < {chunk}; i++) y[at++] = ({ctx.ctype(y)})cm_clamp(cm_shift(("
                     f"(int64_t)x{k}[i] - {_zero_point(ctx, t)}) * {m}[0], {s}[0]) + {int(out.zero_point)}, "
                     f"{out.qmin}, {out.qmax}); }}")
    return "\n".join(lines) + "\n}"


def clamp(ctx: LayerContext) -> str:
    a = ctx.attrs
    params = [a["min"], a["max"]] if ctx.node.op == "Clip" else []
    lo, hi = _clamp_bounds(ctx.node.op, params, ctx.out())
    y = ctx.node.outputs[0]
    return _xy(ctx) + (f"size_t i;\nfor (i = 0; i < {_size(ctx, y)}; i++) "
                       f"y[i] = ({ctx.ctype(y)})cm_clamp(x[i], {lo}, {hi});")


def table(ctx: LayerContext) -> str:
    lut = ctx.quant["lut"]
    y = ctx.node.outputs[0]
    ptr = ctx.blob.add(np.asarray(lut["table"]), ctx.dtypes[y])
    return _xy(ctx) + f"size_t i;\nfor (i = 0; i < {_size(ctx, y)}; i++) y[i] = {ptr}[x[i] + {int(lut['offset'])}];"


def softmax(ctx: LayerContext) -> str:
    """e = table[max - q]; y = round(e m / (sum(e) 2**n)) + zp, as ``frontc.quant.integer.softmax``."""
    node, nq = ctx.node, ctx.quant
    shape = ctx.shape(node.inputs[0])
    axis = ctx.attrs["axis"] % len(shape)
    outer, length, inner = math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1:])
    exp = ctx.blob.add(np.asarray(nq["lut"]["table"]), "int32")
    m, n = int(nq["requant"]["multiplier"]), int(nq["requant"]["shift"])
    out = ctx.out()
    num_shift, den_shift = max(-n, 0), max(n, 0)
    return _xy(ctx) + f"""size_t o, j, k;
for (o = 0; o < {outer}; o++) for (j = 0; j < {inner}; j++) {{
  const {ctx.ctype(node.inputs[0])} *xs = x + o * {length * inner} + j;
  {ctx.ctype(node.outputs[0])} *ys = y + o * {length * inner} + j;
  int64_t top = xs[0], total = 0;
  for (k = 1; k < {length}; k++) if (xs[k * {inner}] > top) top = xs[k * {inner}];
  for (k = 0; k < {length}; k++) total += {exp}[top - xs[k * {inner}] + {int(nq['lut']['offset'])}];
  for (k = 0; k < {length}; k++) {{
    int64_t e = {exp}[top - xs[k * {inner}] + {int(nq['lut']['offset'])}];
    ys[k * {inner}] = cm_clamp(cm_divide_round(e * {m} * ((int64_t)1 << {num_shift}),
                                               total * ((int64_t)1 << {den_shift}))
                      + {int(out.zero_point)}, {out.qmin}, {out.qmax});
  }}
}}"""


def copy(ctx: LayerContext) -> str:
    x, y = ctx.node.inputs[0], ctx.node.outputs[0]
    return f"memcpy({ctx.pointers[y]}, {ctx.pointers[x]}, {_size(ctx, y) * np.dtype(ctx.dtypes[y]).itemsize});"


def gather(ctx: LayerContext) -> str:
    if ctx.node.op == "Resize" and ctx.attrs["mode"] == "linear":
        return resize.linear(ctx)
    return _gather(ctx)


def _gather(ctx: LayerContext) -> str:
    """Each output element picks one input element; the indices come from the op's own float kernel
    run on 0, 1, 2, ... (exact in float64), so they are the interpreter's by construction."""
    node = ctx.node
    x = node.inputs[0]
    codes = np.arange(_size(ctx, x), dtype=np.float64).reshape(ctx.shape(x))
    extra = [ctx.graph.params.get(t) if t else None for t in node.inputs[1:]]
    result = get_kernel(node.op)([codes, *extra], ctx.attrs)
    results = result if isinstance(result, list) else [result]
    lines = [f"const {ctx.ctype(x)} *x = {ctx.ptr(x)};", "size_t i;"]
    for t, picked in zip(node.outputs, results):
        index = ctx.blob.add(np.asarray(picked, np.float64).astype(np.int64).ravel(), "int32")
        lines.append(f"{{ {ctx.ctype(t)} *y = {ctx.ptr(t, const=False)};\n"
                     f"  for (i = 0; i < {picked.size}; i++) y[i] = x[{index}[i]]; }}")
    return "\n".join(lines)

