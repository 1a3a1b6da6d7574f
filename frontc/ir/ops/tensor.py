"""Ops that move, reshape, select or convert data without arithmetic on it."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from frontc.ir.ops.common import broadcast, need, norm_axis, require
from frontc.ir.schema import AttrSpec, Ins, register_op

RESIZE_COORDINATES = ("half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
                      "tf_half_pixel_for_nn", "half_pixel_symmetric")
NEAREST_MODES = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")


@register_op("Identity", ["X"], {}, family="tensor")
def identity(ins: Ins, a: dict[str, Any]):
    """Passes its input through."""
    x = need(ins, 0, "X")
    return [(x.shape, x.dtype)]


@register_op("Dropout", ["X"], {"ratio": AttrSpec("float", 0.5)}, family="tensor")
def dropout(ins: Ins, a: dict[str, Any]):
    """Dropout at inference: the identity."""
    return identity(ins, a)


@register_op("Cast", ["X"], {"to": AttrSpec("str")}, family="tensor")
def cast(ins: Ins, a: dict[str, Any]):
    """Converts to the dtype named by ``to`` (a numpy dtype name)."""
    x = need(ins, 0, "X")
    try:
        dtype = str(np.dtype(a["to"]))
    except TypeError:
        require(False, f"Cast to unknown dtype {a['to']!r}")
    return [(x.shape, dtype)]


@register_op("Concat", ["inputs*"], {"axis": AttrSpec("int")}, family="tensor")
def concat(ins: Ins, a: dict[str, Any]):
    """Joins its inputs along ``axis``."""
    require(len(ins) > 0 and all(s is not None for s in ins), "Concat needs at least one input")
    first = ins[0]
    axis = norm_axis(a["axis"], first.rank)
    for spec in ins[1:]:
        require(spec.rank == first.rank and all(
            d == e for i, (d, e) in enumerate(zip(spec.shape, first.shape)) if i != axis),
            f"Concat inputs differ off axis {axis}: {[s.shape for s in ins]}")
    size = sum(s.shape[axis] for s in ins)
    return [(first.shape[:axis] + (size,) + first.shape[axis + 1:], first.dtype)]


@register_op("Split", ["X"], {"axis": AttrSpec("int", 0), "split": AttrSpec("ints")},
             outputs=-1, family="tensor")
def split(ins: Ins, a: dict[str, Any]):
    """Cuts X along ``axis`` into pieces of the sizes in ``split`` (one output each)."""
    x = need(ins, 0, "X")
    axis = norm_axis(a["axis"], x.rank)
    require(sum(a["split"]) == x.shape[axis] and all(s >= 0 for s in a["split"]),
            f"Split sizes {a['split']} do not add up to {x.shape[axis]}")
    return [(x.shape[:axis] + (s,) + x.shape[axis + 1:], x.dtype) for s in a["split"]]


@register_op("Slice", ["X"], {"starts": AttrSpec("ints"), "ends": AttrSpec("ints"),
                              "axes": AttrSpec("ints", ()), "steps": AttrSpec("ints", ())},
             family="tensor")
def slice_(ins: Ins, a: dict[str, Any]):
    """Python-style slicing per axis (negative and out-of-range bounds are clamped)."""
    x = need(ins, 0, "X")
    shape = list(x.shape)
    for axis, start, end, step in slice_items(a, x.rank):
        shape[axis] = len(range(*slice(start, end, step).indices(shape[axis])))
    return [(tuple(shape), x.dtype)]


def slice_items(a: dict[str, Any], rank: int) -> list[tuple[int, int, int, int]]:
    """(axis, start, end, step) per sliced axis, checked."""
    n = len(a["starts"])
    axes = a["axes"] or list(range(n))
    steps = a["steps"] or [1] * n
    require(len(a["ends"]) == n and len(axes) == n and len(steps) == n,
            "Slice starts, ends, axes and steps differ in length")
    require(all(s != 0 for s in steps), "Slice steps must not be 0")
    axes = [norm_axis(ax, rank) for ax in axes]
    require(len(set(axes)) == n, f"Slice axes repeat: {axes}")
    return list(zip(axes, a["starts"], a["ends"], steps))


@register_op("Reshape", ["X"], {"shape": AttrSpec("ints"), "allowzero": AttrSpec("int", 0, (0, 1))},
             family="tensor")
def reshape(ins: Ins, a: dict[str, Any]):
    """Reshape; 0 copies the input's dim (unless allowzero), -1 is inferred."""
    x = need(ins, 0, "X")
    return [(reshaped(x.shape, a["shape"], a["allowzero"]), x.dtype)]


def reshaped(shape: tuple[int, ...], target: list[int], allowzero: int = 0) -> tuple[int, ...]:
    out = [shape[i] if d == 0 and not allowzero else d for i, d in enumerate(target)]
    require(all(d >= -1 for d in out) and out.count(-1) <= 1, f"bad Reshape shape {target}")
    total = math.prod(shape)
    if -1 in out:
        known = math.prod(d for d in out if d != -1)
        require(known > 0 and total % known == 0, f"cannot reshape {shape} to {target}")
        out[out.index(-1)] = total // known
    require(math.prod(out) == total, f"cannot reshape {shape} ({total} values) to {target}")
    return tuple(out)


@register_op("Flatten", ["X"], {"axis": AttrSpec("int", 1)}, family="tensor")
def flatten(ins: Ins, a: dict[str, Any]):
    """To 2-d: dims before ``axis`` make the rows, the rest the columns."""
    x = need(ins, 0, "X")
    axis = a["axis"] if a["axis"] >= 0 else a["axis"] + x.rank
    require(0 <= axis <= x.rank, f"Flatten axis {a['axis']} out of range for rank {x.rank}")
    return [((math.prod(x.shape[:axis]), math.prod(x.shape[axis:])), x.dtype)]


@register_op("Transpose", ["X"], {"perm": AttrSpec("ints", ())}, family="tensor")
def transpose(ins: Ins, a: dict[str, Any]):
    """Permutes axes (reverses them when perm is empty)."""
    x = need(ins, 0, "X")
    perm = a["perm"] or list(range(x.rank))[::-1]
    require(sorted(perm) == list(range(x.rank)), f"perm {perm} is not a permutation of rank {x.rank}")
    return [(tuple(x.shape[p] for p in perm), x.dtype)]


@register_op("Squeeze", ["X"], {"axes": AttrSpec("ints", ())}, family="tensor")
def squeeze(ins: Ins, a: dict[str, Any]):
    """Drops size-1 axes (all of them when axes is empty)."""
    x = need(ins, 0, "X")
    axes = {norm_axis(ax, x.rank) for ax in a["axes"]} if a["axes"] else \
        {i for i, d in enumerate(x.shape) if d == 1}
    require(all(x.shape[ax] == 1 for ax in axes), f"cannot squeeze axes {sorted(axes)} of {x.shape}")
    return [(tuple(d for i, d in enumerate(x.shape) if i not in axes), x.dtype)]


@register_op("Unsqueeze", ["X"], {"axes": AttrSpec("ints")}, family="tensor")
def unsqueeze(ins: Ins, a: dict[str, Any]):
    """Inserts size-1 axes at ``axes`` (positions in the output)."""
    x = need(ins, 0, "X")
    rank = x.rank + len(a["axes"])
    axes = sorted(norm_axis(ax, rank) for ax in a["axes"])
    require(len(set(axes)) == len(axes), f"Unsqueeze axes repeat: {a['axes']}")
    shape = list(x.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return [(tuple(shape), x.dtype)]


@register_op("Pad", ["X"], {"pads": AttrSpec("ints"),
                            "mode": AttrSpec("str", "constant", ("constant", "reflect", "edge")),
                            "value": AttrSpec("float", 0.0)}, family="tensor")
def pad(ins: Ins, a: dict[str, Any]):
    """Pads every axis: pads = all begins, then all ends (negative values crop)."""
    x = need(ins, 0, "X")
    pads = a["pads"]
    require(len(pads) == 2 * x.rank, f"Pad needs {2 * x.rank} pads for rank {x.rank}, got {len(pads)}")
    shape = tuple(d + pads[i] + pads[i + x.rank] for i, d in enumerate(x.shape))
    require(all(d >= 0 for d in shape), f"Pad {pads} crops {x.shape} below zero")
    if a["mode"] == "reflect":
        require(all(max(pads[i], pads[i + x.rank]) < d or d == 0 for i, d in enumerate(x.shape)
                    if pads[i] or pads[i + x.rank]), f"reflect pads {pads} exceed {x.shape}")
    return [(shape, x.dtype)]


@register_op("Resize", ["X"], {
    "mode": AttrSpec("str", "nearest", ("nearest", "linear", "cubic")),
    "cubic_coeff_a": AttrSpec("float", -0.75), "exclude_outside": AttrSpec("int", 0, (0, 1)),
    "coordinate_transformation_mode": AttrSpec("str", "half_pixel", RESIZE_COORDINATES),
    "nearest_mode": AttrSpec("str", "round_prefer_floor", NEAREST_MODES),
    "scales": AttrSpec("floats", ()), "sizes": AttrSpec("ints", ())}, family="tensor")
def resize(ins: Ins, a: dict[str, Any]):
    """Nearest, (multi)linear or cubic (Keys kernel with ``cubic_coeff_a``; ``exclude_outside`` drops
    and renormalizes the taps outside the input) resize of every axis by ``scales`` or to ``sizes``."""
    x = need(ins, 0, "X")
    return [(resized_shape(x.shape, a), x.dtype)]


def resized_shape(shape: tuple[int, ...], a: dict[str, Any]) -> tuple[int, ...]:
    require(bool(a["scales"]) != bool(a["sizes"]), "Resize needs exactly one of scales and sizes")
    if a["sizes"]:
        require(len(a["sizes"]) == len(shape), f"Resize sizes {a['sizes']} do not fit {shape}")
        return tuple(a["sizes"])
    require(len(a["scales"]) == len(shape) and all(s > 0 for s in a["scales"]),
            f"Resize scales {a['scales']} do not fit {shape}")
    return tuple(int(math.floor(d * s + 1e-6)) for d, s in zip(shape, a["scales"]))


@register_op("Gather", ["X", "indices"], {"axis": AttrSpec("int", 0)}, family="tensor")
def gather(ins: Ins, a: dict[str, Any]):
    """Takes entries of X along ``axis`` at integer ``indices``."""
    x, idx = need(ins, 0, "X"), need(ins, 1, "indices")
    require(idx.dtype in ("int32", "int64"), f"Gather indices must be int32/int64, got {idx.dtype}")
    axis = norm_axis(a["axis"], x.rank)
    return [(x.shape[:axis] + idx.shape + x.shape[axis + 1:], x.dtype)]


@register_op("Shape", ["X"], {"start": AttrSpec("int", 0), "end": AttrSpec("int", 2**31 - 1)},
             family="tensor")
def shape_(ins: Ins, a: dict[str, Any]):
    """The shape of X (a slice of it) as int64."""
    x = need(ins, 0, "X")
    return [((len(range(*slice(a["start"], a["end"]).indices(x.rank))),), "int64")]


@register_op("Expand", ["X"], {"shape": AttrSpec("ints")}, family="tensor")
def expand(ins: Ins, a: dict[str, Any]):
    """Broadcasts X against ``shape``."""
    x = need(ins, 0, "X")
    return [(broadcast(x.shape, a["shape"]), x.dtype)]


@register_op("Tile", ["X"], {"repeats": AttrSpec("ints")}, family="tensor")
def tile(ins: Ins, a: dict[str, Any]):
    """Repeats X ``repeats[i]`` times along axis i."""
    x = need(ins, 0, "X")
    require(len(a["repeats"]) == x.rank, f"Tile repeats {a['repeats']} do not fit {x.shape}")
    return [(tuple(d * r for d, r in zip(x.shape, a["repeats"])), x.dtype)]


def _block(ins: Ins, a: dict[str, Any], to_space: bool):
    x = need(ins, 0, "X")
    b = a["blocksize"]
    require(x.rank == 4 and b > 0, f"needs NCHW input and blocksize > 0, got {x.shape}")
    n, c, h, w = x.shape
    if to_space:
        require(c % (b * b) == 0, f"channels {c} not divisible by blocksize^2 = {b * b}")
        return [((n, c // (b * b), h * b, w * b), x.dtype)]
    require(h % b == 0 and w % b == 0, f"H, W {h, w} not divisible by blocksize {b}")
    return [((n, c * b * b, h // b, w // b), x.dtype)]


@register_op("DepthToSpace", ["X"], {"blocksize": AttrSpec("int"),
                                     "mode": AttrSpec("str", "DCR", ("DCR", "CRD"))},
             family="tensor")
def depth_to_space(ins: Ins, a: dict[str, Any]):
    """Moves channel blocks into spatial blocks (pixel shuffle)."""
    return _block(ins, a, True)


@register_op("SpaceToDepth", ["X"], {"blocksize": AttrSpec("int")}, family="tensor")
def space_to_depth(ins: Ins, a: dict[str, Any]):
    """Moves spatial blocks into channels (YOLO reorg)."""
    return _block(ins, a, False)


@register_op("GatherElements", ["X", "indices"], {"axis": AttrSpec("int", 0)}, family="tensor")
def gather_elements(ins: Ins, a: dict[str, Any]):
    """out[i][j][k] = X[indices[i][j][k]][j][k] along ``axis`` (negative indices count from the end);
    the output has the indices' shape."""
    x, idx = need(ins, 0, "X"), need(ins, 1, "indices")
    require(idx.dtype in ("int32", "int64"), f"GatherElements indices must be int32/int64, got {idx.dtype}")
    axis = norm_axis(a["axis"], x.rank)
    require(idx.rank == x.rank and all(i <= d for k, (i, d) in enumerate(zip(idx.shape, x.shape)) if k != axis),
            f"GatherElements indices {idx.shape} do not fit X{x.shape} off axis {axis}")
    return [(idx.shape, x.dtype)]


REDUCTIONS = ("none", "add", "mul", "max", "min")


@register_op("GatherND", ["X", "indices"], {"batch_dims": AttrSpec("int", 0)}, family="tensor")
def gather_nd(ins: Ins, a: dict[str, Any]):
    """Slices of X at the index tuples in the last axis of ``indices`` (after ``batch_dims`` shared axes)."""
    x, idx = need(ins, 0, "X"), need(ins, 1, "indices")
    b = a["batch_dims"]
    require(idx.dtype == "int64" and idx.rank >= 1 and 0 <= b < min(x.rank, idx.rank)
            and x.shape[:b] == idx.shape[:b] and b + idx.shape[-1] <= x.rank,
            f"GatherND indices {idx.dtype}{idx.shape} (batch_dims {b}) do not fit X{x.shape}")
    return [(idx.shape[:-1] + x.shape[b + idx.shape[-1]:], x.dtype)]


@register_op("ScatterND", ["X", "indices", "updates"], {"reduction": AttrSpec("str", "none", REDUCTIONS)},
             family="tensor")
def scatter_nd(ins: Ins, a: dict[str, Any]):
    """A copy of X whose slices at the index tuples of ``indices`` are set to (or reduced with) ``updates``."""
    x, idx, upd = need(ins, 0, "X"), need(ins, 1, "indices"), need(ins, 2, "updates")
    k = idx.shape[-1] if idx.rank else 0
    require(idx.dtype == "int64" and idx.rank >= 1 and k <= x.rank and upd.shape == idx.shape[:-1] + x.shape[k:],
            f"ScatterND indices {idx.shape} and updates {upd.shape} do not fit X{x.shape}")
    return [(x.shape, x.dtype)]


@register_op("ScatterElements", ["X", "indices", "updates"],
             {"axis": AttrSpec("int", 0), "reduction": AttrSpec("str", "none", REDUCTIONS)}, family="tensor")
def scatter_elements(ins: Ins, a: dict[str, Any]):
    """A copy of X with X[..indices[i][j]..] (along ``axis``) set to (or reduced with) updates[i][j]."""
    x, idx, upd = need(ins, 0, "X"), need(ins, 1, "indices"), need(ins, 2, "updates")
    norm_axis(a["axis"], x.rank)
    require(idx.dtype in ("int32", "int64") and idx.shape == upd.shape and idx.rank == x.rank,
            f"ScatterElements indices {idx.shape} and updates {upd.shape} do not fit X{x.shape}")
    return [(x.shape, x.dtype)]
