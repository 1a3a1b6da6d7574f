"""Data movement: identity, cast, concat/split/slice, reshapes, pad, gather, expand, tile."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel
from frontc.ir.ops.common import broadcast
from frontc.ir.ops.tensor import reshaped, slice_items


@kernel("Identity", "Dropout")
def identity(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return ins[0]


@kernel("Cast")
def cast(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return ins[0].astype(a["to"])


@kernel("Concat")
def concat(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.concatenate(ins, axis=a["axis"])


@kernel("Split")
def split(ins: list[Any], a: dict[str, Any]) -> list[np.ndarray]:
    x = ins[0]
    return [np.ascontiguousarray(p) for p in np.split(x, np.cumsum(a["split"])[:-1], axis=a["axis"])]


@kernel("Slice")
def slice_(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    index = [slice(None)] * x.ndim
    for axis, start, end, step in slice_items(a, x.ndim):
        index[axis] = slice(start, end, step)
    return np.ascontiguousarray(x[tuple(index)])


@kernel("Reshape")
def reshape(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return ins[0].reshape(reshaped(ins[0].shape, a["shape"], a["allowzero"]))


@kernel("Flatten")
def flatten(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    axis = a["axis"] if a["axis"] >= 0 else a["axis"] + x.ndim
    return x.reshape(int(np.prod(x.shape[:axis])), -1) if x.size else \
        x.reshape(int(np.prod(x.shape[:axis])), int(np.prod(x.shape[axis:])))


@kernel("Transpose")
def transpose(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.ascontiguousarray(np.transpose(ins[0], a["perm"] or None))


@kernel("Squeeze")
def squeeze(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    axes = tuple(a["axes"]) if a["axes"] else tuple(i for i, d in enumerate(x.shape) if d == 1)
    return np.squeeze(x, axis=axes)


@kernel("Unsqueeze")
def unsqueeze(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    rank = x.ndim + len(a["axes"])
    return np.expand_dims(x, tuple(sorted(ax % rank for ax in a["axes"])))


@kernel("Pad")
def pad(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    rank, pads = x.ndim, a["pads"]
    crop = tuple(slice(max(0, -pads[i]), x.shape[i] - max(0, -pads[i + rank])) for i in range(rank))
    x = x[crop]
    widths = [(max(0, pads[i]), max(0, pads[i + rank])) for i in range(rank)]
    if a["mode"] == "constant":
        return np.pad(x, widths, constant_values=x.dtype.type(a["value"]))
    return np.pad(x, widths, mode=a["mode"])


@kernel("Gather")
def gather(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.asarray(np.take(ins[0], ins[1], axis=a["axis"]))  # a 0-d result is a scalar


@kernel("Shape")
def shape_(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.array(ins[0].shape[a["start"]:a["end"]], dtype=np.int64)


@kernel("Expand")
def expand(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    return np.ascontiguousarray(np.broadcast_to(x, broadcast(x.shape, a["shape"])))


@kernel("Tile")
def tile(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.tile(ins[0], a["repeats"])


@kernel("DepthToSpace")
def depth_to_space(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, b = ins[0], a["blocksize"]
    n, c, h, w = x.shape
    if a["mode"] == "DCR":
        y = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    else:
        y = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
    return np.ascontiguousarray(y.reshape(n, c // (b * b), h * b, w * b))


@kernel("SpaceToDepth")
def space_to_depth(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, b = ins[0], a["blocksize"]
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return np.ascontiguousarray(y.reshape(n, c * b * b, h // b, w // b))


@kernel("GatherElements")
def gather_elements(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, idx = ins
    axis = a["axis"] % x.ndim
    index = np.where(idx < 0, idx + x.shape[axis], idx)
    sliced = x[tuple(slice(0, d) if k != axis else slice(None) for k, d in enumerate(idx.shape))]
    return np.ascontiguousarray(np.take_along_axis(sliced, index, axis=axis))


_AT = {"add": np.add.at, "mul": np.multiply.at, "max": np.maximum.at, "min": np.minimum.at}


def _scatter(out: np.ndarray, where: tuple, updates: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "none":
        out[where] = updates
    else:
        _AT[reduction](out, where, updates)
    return out


@kernel("GatherND")
def gather_nd(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, idx = ins
    b = a["batch_dims"]
    batch = int(np.prod(idx.shape[:b]))
    xs = x.reshape(batch, *x.shape[b:])
    flat = idx.reshape(batch, -1, idx.shape[-1])
    rows = [xs[n][tuple(np.moveaxis(flat[n], -1, 0))] for n in range(batch)]
    return np.ascontiguousarray(np.stack(rows).reshape(idx.shape[:-1] + x.shape[b + idx.shape[-1]:]))


@kernel("ScatterND")
def scatter_nd(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, idx, updates = ins
    k = idx.shape[-1]
    flat = idx.reshape(-1, k)
    where = tuple(np.where(c < 0, c + x.shape[i], c) for i, c in enumerate(flat.T))
    return _scatter(x.copy(), where, updates.reshape(flat.shape[0], *x.shape[k:]), a["reduction"])


@kernel("ScatterElements")
def scatter_elements(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, idx, updates = ins
    axis = a["axis"] % x.ndim
    grid = list(np.indices(idx.shape, sparse=True))
    grid[axis] = np.where(idx < 0, idx + x.shape[axis], idx)
    return _scatter(x.copy(), tuple(np.broadcast_arrays(*grid)), updates, a["reduction"])
