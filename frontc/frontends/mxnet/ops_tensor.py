"""Converters of MXNet ops that move, reshape, select or convert data."""
from __future__ import annotations

import math

import numpy as np

from frontc.frontends.mxnet.context import REG, Context
from frontc.frontends.mxnet.symbol import MxNode

DTYPES = ("float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool")


def mxnet_reshape(shape: tuple[int, ...], spec: tuple[int, ...], reverse: bool = False) -> list[int]:
    """The output shape of MXNet Reshape, with its codes 0 (copy), -1 (infer), -2 (copy the
    rest), -3 (merge two dims) and -4 (split a dim into the next two values); ValueError if bad."""
    dims, codes = (list(shape[::-1]), list(spec[::-1])) if reverse else (list(shape), list(spec))
    out: list[int] = []
    src, infer, i = 0, -1, 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            out.append(dims[src])
            src += 1
        elif code == -1:
            if infer >= 0:
                raise ValueError("only one dim can be -1")
            infer = len(out)
            out.append(1)
            src += 1
        elif code == -2:
            out.extend(dims[src:])
            src = len(dims)
        elif code == -3:
            out.append(dims[src] * dims[src + 1])
            src += 2
        elif code == -4:
            whole, left, right = dims[src], codes[i + 1], codes[i + 2]
            if left == -1:
                left = whole // right
            if right == -1:
                right = whole // left
            if left * right != whole:
                raise ValueError(f"cannot split {whole} into {left} x {right}")
            out.extend([left, right])
            src += 1
            i += 2
        elif code > 0:
            out.append(code)
            src += 1
        else:
            raise ValueError(f"unknown code {code}")
        i += 1
    if infer >= 0:
        out[infer] = math.prod(shape) // math.prod(out)
    if math.prod(out) != math.prod(shape):
        raise ValueError(f"{math.prod(shape)} values do not fit {out}")
    return out[::-1] if reverse else out


@REG.register("Reshape", "reshape")
def reshape(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Reshape(shape, reverse) with its special codes -> Reshape to an explicit shape."""
    x = ctx.x(node, 0)
    if not node.has("shape"):
        raise ctx.unsupported(node, "the legacy target_shape attribute")
    spec = node.get_ints("shape")
    try:
        shape = mxnet_reshape(ctx.shape(x), spec, node.get_bool("reverse", False))
    except (ValueError, IndexError) as exc:
        raise ctx.unsupported(node, f"shape={spec} on input {ctx.shape(x)} ({exc})") from None
    return [ctx.add("Reshape", [x], {"shape": shape}, node)]


@REG.register("Flatten", "flatten")
def flatten(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Flatten: (N, everything else) -> Flatten(axis=1)."""
    return [ctx.add("Flatten", [ctx.x(node, 0)], {"axis": 1}, node)]


@REG.register("Concat", "concat")
def concat(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Concat(dim) -> Concat."""
    return [ctx.add("Concat", ctx.xs(node), {"axis": node.get_int("dim", 1)}, node)]


@REG.register("SliceChannel", "split")
def slice_channel(node: MxNode, ctx: Context) -> list[str]:
    """MXNet SliceChannel/split(num_outputs, axis, squeeze_axis) -> Split [+ Squeeze]."""
    x = ctx.x(node, 0)
    count, axis = node.get_int("num_outputs"), node.get_int("axis", 1)
    size = ctx.shape(x)[axis]
    if count <= 0 or size % count:
        raise ctx.unsupported(node, f"num_outputs={count} on an axis of size {size}")
    if not node.get_bool("squeeze_axis", False):
        return ctx.add_multi("Split", [x], {"axis": axis, "split": [size // count] * count}, node, count)
    parts = ctx.add_multi("Split", [x], {"axis": axis, "split": [size // count] * count}, node, count,
                          "_split")
    return [ctx.add("Squeeze", [p], {"axes": [axis]}, node, f"_{i}" if i else "")
            for i, p in enumerate(parts)]


@REG.register("transpose")
def transpose(node: MxNode, ctx: Context) -> list[str]:
    """MXNet transpose(axes) -> Transpose (reversed axes when empty)."""
    return [ctx.add("Transpose", [ctx.x(node, 0)], {"perm": list(node.get_ints("axes", ()))}, node)]


@REG.register("expand_dims")
def expand_dims(node: MxNode, ctx: Context) -> list[str]:
    """MXNet expand_dims(axis) -> Unsqueeze."""
    return [ctx.add("Unsqueeze", [ctx.x(node, 0)], {"axes": [node.get_int("axis")]}, node)]


@REG.register("squeeze")
def squeeze(node: MxNode, ctx: Context) -> list[str]:
    """MXNet squeeze(axis): like numpy, but squeezing every axis away leaves shape (1,)."""
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    axes = sorted({a % len(shape) for a in node.get_ints("axis", ())}) or \
        [i for i, d in enumerate(shape) if d == 1]
    if len(axes) == len(shape):
        return [ctx.add("Reshape", [x], {"shape": [1]}, node)]
    return [ctx.add("Squeeze", [x], {"axes": axes}, node)]


@REG.register("Dropout")
def dropout(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Dropout at inference (mode 'training') -> Dropout, the identity."""
    if node.get_str("mode", "training") != "training":
        raise ctx.unsupported(node, f"mode={node.get_str('mode')} (dropout at inference)")
    return [ctx.add("Dropout", [ctx.x(node, 0)], {"ratio": node.get_float("p", 0.5)}, node)]


@REG.register("_copy", "identity", "BlockGrad", "stop_gradient", "MakeLoss", "make_loss")
def identity(node: MxNode, ctx: Context) -> list[str]:
    """MXNet _copy / identity / BlockGrad / MakeLoss at inference -> Identity."""
    return [ctx.add("Identity", [ctx.x(node, 0)], {}, node)]


@REG.register("UpSampling")
def up_sampling(node: MxNode, ctx: Context) -> list[str]:
    """MXNet UpSampling(scale, sample_type=nearest) of one input -> Resize nearest."""
    if node.get_str("sample_type") != "nearest" or len(node.inputs) != 1:
        raise ctx.unsupported(node, f"sample_type={node.get_str('sample_type')} and "
                                    f"{len(node.inputs)} inputs")
    x = ctx.x(node, 0)
    scale = float(node.get_int("scale"))
    scales = [1.0, 1.0] + [scale] * (len(ctx.shape(x)) - 2)
    attrs = {"mode": "nearest", "coordinate_transformation_mode": "asymmetric",
             "nearest_mode": "floor", "scales": scales}
    return [ctx.add("Resize", [x], attrs, node)]


@REG.register("Pad", "pad")
def pad(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Pad(mode, pad_width as (before, after) per axis, constant_value) -> Pad."""
    width = node.get_ints("pad_width")
    mode = node.get_str("mode", "constant")
    attrs = {"pads": list(width[0::2]) + list(width[1::2]),
             "mode": mode, "value": node.get_float("constant_value", 0.0)}
    return [ctx.add("Pad", [ctx.x(node, 0)], attrs, node)]


def _bounds(size: int, begin: int | None, end: int | None, step: int) -> tuple[int, int]:
    """Explicit (start, end) for a slice whose begin/end may be None."""
    if begin is None:
        begin = 0 if step > 0 else size - 1
    if end is None:
        end = size if step > 0 else -size - 1
    return begin, end


@REG.register("slice")
def slice_(node: MxNode, ctx: Context) -> list[str]:
    """MXNet slice(begin, end, step), None meaning the whole axis -> Slice."""
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    begin, end = node.get_tuple("begin"), node.get_tuple("end")
    step = node.get_tuple("step", ()) or (1,) * len(begin)
    starts, ends, steps = [], [], []
    for axis, (b, e, s) in enumerate(zip(begin, end, step)):
        s = 1 if s is None else int(s)
        b, e = _bounds(shape[axis], None if b is None else int(b), None if e is None else int(e), s)
        starts.append(b)
        ends.append(e)
        steps.append(s)
    attrs = {"starts": starts, "ends": ends, "axes": list(range(len(starts))), "steps": steps}
    return [ctx.add("Slice", [x], attrs, node)]


@REG.register("slice_axis")
def slice_axis(node: MxNode, ctx: Context) -> list[str]:
    """MXNet slice_axis(axis, begin, end) -> Slice."""
    x = ctx.x(node, 0)
    axis = node.get_int("axis")
    end = node.get_tuple("end", ())
    begin, stop = _bounds(ctx.shape(x)[axis], node.get_int("begin"), int(end[0]) if end else None, 1)
    return [ctx.add("Slice", [x], {"starts": [begin], "ends": [stop], "axes": [axis]}, node)]


@REG.register("Cast", "cast")
def cast(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Cast(dtype) -> Cast."""
    dtype = node.get_str("dtype")
    if dtype not in DTYPES:
        raise ctx.unsupported(node, f"dtype={dtype}")
    return [ctx.add("Cast", [ctx.x(node, 0)], {"to": str(np.dtype(dtype))}, node)]


@REG.register("Embedding")
def embedding(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Embedding: rows of the weight at the (float) indices -> Cast + Gather."""
    index = ctx.add("Cast", [ctx.x(node, 0)], {"to": "int64"}, node, "_index")
    return [ctx.add("Gather", [ctx.x(node, 1), index], {"axis": 0}, node)]
