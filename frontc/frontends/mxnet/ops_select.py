"""Converters of the MXNet ops detection heads use to pick, index and compare: topk, gather_nd,
where, comparisons, broadcast_mod, tile, repeat, slice_like, and the shape-only ops (shape_array,
_arange, zeros_like, ones_like) whose values are known at compile time and become params."""
from __future__ import annotations

import numpy as np

from frontc.frontends.mxnet.context import REG, Context
from frontc.frontends.mxnet.symbol import MxNode

FLOATS = ("float16", "float32", "float64")
# MXNet comparison -> (IR op, negate); MXNet returns 1/0 in the input's dtype
COMPARE = {"equal": ("Equal", False), "not_equal": ("Equal", True), "greater": ("Greater", False),
           "greater_equal": ("GreaterOrEqual", False), "lesser": ("Less", False),
           "lesser_equal": ("LessOrEqual", False)}
_COMPARE_OPS = {f"{prefix}{name}{suffix}": name for name in COMPARE
                for prefix, suffix in (("broadcast_", ""), ("_", ""), ("_", "_scalar"))}


@REG.register(*_COMPARE_OPS)
def compare(node: MxNode, ctx: Context) -> list[str]:
    """MXNet broadcast_equal / _greater_scalar / ...: a bool comparison cast back to the input dtype."""
    x = ctx.x(node, 0)
    op, negate = COMPARE[_COMPARE_OPS[node.op]]
    if node.op.endswith("_scalar"):
        y = ctx.constant(node.get_float("scalar"), node, "_scalar", ctx.dtype(x))
    else:
        y = ctx.x(node, 1)
    flag = ctx.add(op, [x, y], {}, node, "_bool" if not negate else "_equal")
    if negate:
        flag = ctx.add("Not", [flag], {}, node, "_bool")
    return [ctx.add("Cast", [flag], {"to": ctx.dtype(x)}, node)]


@REG.register("broadcast_mod", "_mod", "elemwise_mod")
def mod(node: MxNode, ctx: Context) -> list[str]:
    """MXNet broadcast_mod of integers (the divisor's sign, as Python's %) -> Mod fmod=0."""
    x, y = ctx.x(node, 0), ctx.x(node, 1)
    if ctx.dtype(x) in FLOATS:
        raise ctx.unsupported(node, f"{ctx.dtype(x)} operands (only integer modulo is converted)")
    return [ctx.add("Mod", [x, y], {"fmod": 0}, node)]


@REG.register("topk")
def topk(node: MxNode, ctx: Context) -> list[str]:
    """MXNet topk(axis, k, ret_typ value|indices|both, is_ascend, dtype) -> TopK (+ Cast of the indices)."""
    x = ctx.x(node, 0)
    ret = node.get_str("ret_typ", "indices")
    if node.attrs.get("axis") == "None" or ret == "mask":
        raise ctx.unsupported(node, f"axis={node.attrs.get('axis')} and ret_typ={ret}")
    attrs = {"k": node.get_int("k", 1), "axis": node.get_int("axis", -1),
             "largest": int(not node.get_bool("is_ascend", False))}
    values, index = ctx.add_multi("TopK", [x], attrs, node, 2, "_topk" if ret != "value" else "")
    if ret == "value":
        return [values]
    index = ctx.add("Cast", [index], {"to": node.get_str("dtype", "float32")}, node,
                    "_indices" if ret == "both" else "")
    return [values, index] if ret == "both" else [index]


@REG.register("gather_nd")
def gather_nd(node: MxNode, ctx: Context) -> list[str]:
    """MXNet gather_nd (the index tuple on the first axis of indices) -> Transpose + Cast + GatherND."""
    x, index = ctx.x(node, 0), ctx.x(node, 1)
    rank = len(ctx.shape(index))
    if rank > 1:
        index = ctx.add("Transpose", [index], {"perm": [*range(1, rank), 0]}, node, "_indices")
    else:
        index = ctx.add("Unsqueeze", [index], {"axes": [1]}, node, "_indices")
    if ctx.dtype(index) != "int64":
        index = ctx.add("Cast", [index], {"to": "int64"}, node, "_int64")
    return [ctx.add("GatherND", [x, index], {}, node)]


@REG.register("where")
def where(node: MxNode, ctx: Context) -> list[str]:
    """MXNet where(condition, x, y): x where condition != 0 -> Cast to bool + Where."""
    cond, x, y = ctx.xs(node)
    shape, rank = ctx.shape(cond), len(ctx.shape(x))
    if len(shape) == 1 and rank > 1:  # a condition per row of x
        cond = ctx.add("Reshape", [cond], {"shape": [shape[0]] + [1] * (rank - 1)}, node, "_rows")
    if ctx.dtype(cond) != "bool":
        cond = ctx.add("Cast", [cond], {"to": "bool"}, node, "_bool")
    return [ctx.add("Where", [cond, x, y], {}, node)]


@REG.register("tile")
def tile(node: MxNode, ctx: Context) -> list[str]:
    """MXNet tile(reps): reps or data promoted with leading 1s to the same length -> Tile."""
    x = ctx.x(node, 0)
    shape, reps = ctx.shape(x), list(node.get_ints("reps"))
    if len(reps) > len(shape):
        x = ctx.add("Reshape", [x], {"shape": [1] * (len(reps) - len(shape)) + list(shape)}, node, "_promote")
    reps = [1] * (len(shape) - len(reps)) + reps
    return [ctx.add("Tile", [x], {"repeats": reps}, node)]


@REG.register("repeat")
def repeat(node: MxNode, ctx: Context) -> list[str]:
    """MXNet repeat(repeats, axis) as numpy.repeat -> Unsqueeze + Tile + Reshape (flattened when no axis)."""
    x = ctx.x(node, 0)
    count = node.get_int("repeats")
    if node.attrs.get("axis", "None") == "None":
        x = ctx.add("Reshape", [x], {"shape": [-1]}, node, "_flat")
        axis = 0
    else:
        axis = node.get_int("axis") % len(ctx.shape(x))
    shape = list(ctx.shape(x))
    grown = ctx.add("Unsqueeze", [x], {"axes": [axis + 1]}, node, "_unsqueeze")
    reps = [1] * (len(shape) + 1)
    reps[axis + 1] = count
    tiled = ctx.add("Tile", [grown], {"repeats": reps}, node, "_tile")
    shape[axis] *= count
    return [ctx.add("Reshape", [tiled], {"shape": shape}, node)]


@REG.register("slice_like")
def slice_like(node: MxNode, ctx: Context) -> list[str]:
    """MXNet slice_like(data, shape_like, axes): the leading part of each axis -> Slice."""
    x, like = ctx.x(node, 0), ctx.x(node, 1)
    shape, target = ctx.shape(x), ctx.shape(like)
    axes = sorted({a % len(shape) for a in node.get_ints("axes", ())}) or list(range(len(shape)))
    if any(a >= len(target) or target[a] > shape[a] for a in axes):
        raise ctx.unsupported(node, f"axes={axes} of {shape} cut to {target}")
    attrs = {"starts": [0] * len(axes), "ends": [target[a] for a in axes], "axes": axes}
    return [ctx.add("Slice", [x], attrs, node)]


@REG.register("shape_array")
def shape_array(node: MxNode, ctx: Context) -> list[str]:
    """MXNet shape_array: the (static) int64 shape of its input -> a param."""
    return [ctx.constant(ctx.shape(ctx.x(node, 0)), node, "", "int64")]


@REG.register("_arange", "arange")
def arange(node: MxNode, ctx: Context) -> list[str]:
    """MXNet _arange(start, stop, step, repeat, dtype) -> a param (stop None: range(0, start))."""
    if node.get_bool("infer_range", False):
        raise ctx.unsupported(node, "infer_range=True")
    start, stop = node.get_float("start", 0.0), node.attrs.get("stop", "None")
    start, stop = (0.0, start) if stop == "None" else (start, node.get_float("stop"))
    step, dtype = node.get_float("step", 1.0), np.dtype(node.get_str("dtype", "float32"))
    count = max(0, int(np.ceil((stop - start) / step)))
    values = dtype.type(start) + np.arange(count).astype(dtype) * dtype.type(step)  # as MXNet, in dtype
    return [ctx.constant(np.repeat(values, node.get_int("repeat", 1)), node, "", str(dtype))]


@REG.register("zeros_like", "ones_like")
def full_like(node: MxNode, ctx: Context) -> list[str]:
    """MXNet zeros_like / ones_like(dtype) -> a param of the input's shape."""
    x = ctx.x(node, 0)
    value = np.full(ctx.shape(x), 0 if node.op == "zeros_like" else 1)
    return [ctx.constant(value, node, "", node.get_str("dtype", ctx.dtype(x)))]
