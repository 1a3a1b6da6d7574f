"""ONNX ops that ONNX defines as functions of other ops, lowered to IR ops the way their function
bodies compute them: RMSNormalization, MeanVarianceNormalization, LpPool, CenterCropPad,
RotaryEmbedding, and the constant-valued EyeLike and Hann/Hamming/Blackman windows."""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.frontends.onnx.conv import window_attrs
from frontc.frontends.onnx.loader import numpy_dtype
from frontc.ir.errors import UnsupportedOpError


@REGISTRY.register("RMSNormalization", since=23)
def rms_normalization(node: OnnxNode, ctx: Context) -> Value:
    """ONNX RMSNormalization: X / sqrt(mean(X^2 over axis..) + epsilon) * scale, computed in float32."""
    x = ctx.x(node, 0)
    dtype, rank = ctx.dtype(x), len(ctx.shape(x))
    if node.attr("stash_type", 1) != 1:
        raise UnsupportedOpError("RMSNormalization is supported with stash_type 1 (float32) only", node=node.name)
    wide = x if dtype == "float32" else ctx.emit(node, "Cast", [x], {"to": "float32"}, suffix="stash")
    axes = {"axes": list(range(node.attr("axis", -1) % rank, rank)), "keepdims": 1}
    square = ctx.emit(node, "Mul", [wide, wide], suffix="square")
    mean = ctx.emit(node, "ReduceMean", [square], axes, suffix="mean_square")
    eps = ctx.constant(np.float32(node.attr("epsilon", 1e-5)), f"{node.name}/epsilon")
    rms = ctx.emit(node, "Sqrt", [ctx.emit(node, "Add", [mean, eps], suffix="mean_square_eps")], suffix="rms")
    normalized = ctx.emit(node, "Mul", [wide, ctx.emit(node, "Reciprocal", [rms], suffix="inv_rms")],
                          suffix="normalized")
    if dtype != "float32":
        normalized = ctx.emit(node, "Cast", [normalized], {"to": dtype}, suffix="unstash")
    return ctx.emit(node, "Mul", [normalized, ctx.x(node, 1)])


@REGISTRY.register("MeanVarianceNormalization", since=9)
def mean_variance_normalization(node: OnnxNode, ctx: Context) -> Value:
    """ONNX MeanVarianceNormalization: (X - E[X]) / (sqrt(E[X^2] - E[X]^2) + 1e-9) over ``axes``."""
    x = ctx.x(node, 0)
    axes = {"axes": list(node.attr("axes", [0, 2, 3])), "keepdims": 1}
    mean = ctx.emit(node, "ReduceMean", [x], axes, suffix="mean")
    mean_square = ctx.emit(node, "ReduceMean", [ctx.emit(node, "Mul", [x, x], suffix="square")], axes,
                           suffix="mean_square")
    variance = ctx.emit(node, "Sub", [mean_square, ctx.emit(node, "Mul", [mean, mean], suffix="square_mean")],
                        suffix="variance")
    eps = ctx.constant(np.asarray(1e-9, ctx.dtype(x)), f"{node.name}/epsilon")
    std = ctx.emit(node, "Add", [ctx.emit(node, "Sqrt", [variance], suffix="sqrt"), eps], suffix="std")
    return ctx.emit(node, "Div", [ctx.emit(node, "Sub", [x, mean], suffix="centered"), std])


@REGISTRY.register("LpPool", since=2)
def lp_pool(node: OnnxNode, ctx: Context) -> Value:
    """ONNX LpPool: (sum over each window of |X|^p)^(1/p), the sum as a depthwise Conv of ones."""
    x = ctx.x(node, 0)
    shape, kernel = ctx.shape(x), list(node.attrs["kernel_shape"])
    if node.attr("ceil_mode", 0):
        raise UnsupportedOpError("LpPool with ceil_mode is not supported", node=node.name)
    attrs = window_attrs(node, shape[2:], kernel)
    p = float(node.attr("p", 2))
    power = ctx.emit(node, "Pow", [ctx.emit(node, "Abs", [x], suffix="abs"),
                                   ctx.constant(np.asarray(p, ctx.dtype(x)), f"{node.name}/p")], suffix="power")
    ones = ctx.constant(np.ones((shape[1], 1, *kernel), dtype=ctx.dtype(x)), f"{node.name}/ones")
    total = ctx.emit(node, "Conv", [power, ones], {**attrs, "group": shape[1]}, suffix="sum")
    return ctx.emit(node, "Pow", [total, ctx.constant(np.asarray(1 / p, ctx.dtype(x)), f"{node.name}/root")])


@REGISTRY.register("CenterCropPad", since=18)
def center_crop_pad(node: OnnxNode, ctx: Context) -> Value:
    """ONNX CenterCropPad: each of ``axes`` cropped or zero-padded to its size around the center
    (the odd element goes to the end)."""
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    rank, sizes = len(shape), ctx.ints(node, 1, "shape")
    axes = [a % rank for a in node.attr("axes", range(rank))]
    starts, ends, crop_axes, pads = [], [], [], [0] * 2 * rank
    for axis, size in zip(axes, sizes):
        if size < shape[axis]:
            begin = (shape[axis] - size) // 2
            starts.append(begin)
            ends.append(begin + size)
            crop_axes.append(axis)
        elif size > shape[axis]:
            pads[axis] = (size - shape[axis]) // 2
            pads[rank + axis] = size - shape[axis] - pads[axis]
    if crop_axes:
        x = ctx.emit(node, "Slice", [x], {"starts": starts, "ends": ends, "axes": crop_axes,
                                          "steps": [1] * len(crop_axes)}, suffix="crop")
    return ctx.emit(node, "Pad", [x], {"pads": pads, "mode": "constant", "value": 0.0})


@REGISTRY.register("EyeLike", since=9)
def eye_like(node: OnnxNode, ctx: Context) -> np.ndarray:
    """ONNX EyeLike: a constant of the input's 2-d shape, ones on diagonal ``k``."""
    x = ctx.x(node, 0)
    dtype = numpy_dtype(node.attrs["dtype"], "EyeLike's dtype", node.name) if "dtype" in node.attrs else ctx.dtype(x)
    rows, cols = ctx.shape(x)
    return np.eye(rows, cols, k=node.attr("k", 0), dtype=dtype)


WINDOWS = {"HannWindow": (0.5, 0.5, 0.0), "HammingWindow": (25 / 46, 21 / 46, 0.0),
           "BlackmanWindow": (0.42, 0.5, 0.08)}


@REGISTRY.register(*WINDOWS, since=17)
def window(node: OnnxNode, ctx: Context) -> np.ndarray:
    """ONNX Hann/Hamming/Blackman windows: a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), N the size
    (periodic) or the size - 1 (symmetric); a constant of the constant size."""
    size = int(ctx.ints(node, 0, "size")[0])
    a0, a1, a2 = WINDOWS[node.op]
    n = np.arange(size, dtype=np.float64)
    span = size if node.attr("periodic", 1) else size - 1
    phase = 2 * np.pi * n / span
    values = a0 - a1 * np.cos(phase) + a2 * np.cos(2 * phase)
    return values.astype(numpy_dtype(node.attr("output_datatype", 1), f"{node.op}'s output_datatype", node.name))


@REGISTRY.register("RotaryEmbedding", since=23)
def rotary_embedding(node: OnnxNode, ctx: Context) -> Value:
    """ONNX RotaryEmbedding on (batch, heads, seq, size) or (batch, seq, heads * size) inputs: the first
    ``rotary_embedding_dim`` features of each head rotated by the cos/sin caches (at ``position_ids``),
    as halves or interleaved pairs."""
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    if len(shape) == 4:
        x = ctx.emit(node, "Transpose", [x], {"perm": [0, 2, 1, 3]}, suffix="seq_major")
    else:
        heads = node.attr("num_heads", 0)
        if not heads:
            raise UnsupportedOpError("RotaryEmbedding of a 3-d input needs num_heads", node=node.name)
        x = ctx.emit(node, "Reshape", [x], {"shape": [shape[0], shape[1], heads, -1]}, suffix="heads")
    size = ctx.shape(x)[3]
    dim = node.attr("rotary_embedding_dim", 0) or size
    caches = []
    for i, name in ((1, "cos"), (2, "sin")):
        cache = ctx.x(node, i)
        if node.has_input(3):
            cache = ctx.emit(node, "Gather", [cache, ctx.x(node, 3)], {"axis": 0}, suffix=f"{name}_at")
        cache = _slice_last(node, ctx, cache, 0, dim // 2, 1, f"{name}_part")
        caches.append(ctx.emit(node, "Unsqueeze", [cache], {"axes": [2]}, suffix=f"{name}_heads"))
    cos, sin = caches
    rotated = _slice_last(node, ctx, x, 0, dim, 1, "rotated_in") if dim < size else x
    if node.attr("interleaved", 0):
        x1, x2 = (_slice_last(node, ctx, rotated, k, dim, 2, f"x{k + 1}") for k in (0, 1))
    else:
        x1, x2 = (_slice_last(node, ctx, rotated, k * dim // 2, (k + 1) * dim // 2, 1, f"x{k + 1}") for k in (0, 1))

    def term(a: Value, b: Value, op: str, tag: str) -> Value:
        return ctx.emit(node, op, [ctx.emit(node, "Mul", [a[0], a[1]], suffix=f"{tag}_a"),
                                   ctx.emit(node, "Mul", [b[0], b[1]], suffix=f"{tag}_b")], suffix=tag)

    real, imag = term((cos, x1), (sin, x2), "Sub", "real"), term((sin, x1), (cos, x2), "Add", "imag")
    if node.attr("interleaved", 0):
        pairs = [ctx.emit(node, "Unsqueeze", [t], {"axes": [4]}, suffix=f"{tag}_pair")
                 for t, tag in ((real, "real"), (imag, "imag"))]
        joined = ctx.emit(node, "Concat", pairs, {"axis": 4}, suffix="pairs")
        out = ctx.emit(node, "Reshape", [joined], {"shape": [*ctx.shape(x)[:3], dim]}, suffix="rotated")
    else:
        out = ctx.emit(node, "Concat", [real, imag], {"axis": 3}, suffix="rotated")
    if dim < size:
        out = ctx.emit(node, "Concat", [out, _slice_last(node, ctx, x, dim, size, 1, "kept")], {"axis": 3},
                       suffix="joined")
    if len(shape) == 4:
        return ctx.emit(node, "Transpose", [out], {"perm": [0, 2, 1, 3]})
    return ctx.emit(node, "Reshape", [out], {"shape": list(shape)})


def _slice_last(node: OnnxNode, ctx: Context, x: Value, start: int, end: int, step: int, tag: str) -> Value:
    return ctx.emit(node, "Slice", [x], {"starts": [start], "ends": [end], "axes": [-1], "steps": [step]},
                    suffix=tag)
