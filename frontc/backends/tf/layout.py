"""Channels-last bookkeeping: where the axes of an IR (NCHW) tensor sit inside the Keras model.

Every IR tensor has a *logical* shape, the one the IR gives it. Inside the Keras
model a 4-D tensor may instead be held channels-last: the physical tensor is the
logical one transposed by ``NCHW_TO_NHWC``. Tensors of any other rank are always
held as in the IR. Pure numpy: nothing here imports TensorFlow.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NCHW_TO_NHWC = (0, 2, 3, 1)
NHWC_TO_NCHW = (0, 3, 1, 2)


def physical_perm(rank: int, nhwc: bool) -> tuple[int, ...]:
    """``perm`` with ``physical = logical.transpose(perm)``."""
    return NCHW_TO_NHWC if nhwc else tuple(range(rank))


def axis(logical: int, rank: int, nhwc: bool) -> int:
    """The physical position of logical axis ``logical`` (negative counts from the end)."""
    logical %= rank
    return physical_perm(rank, nhwc).index(logical)


def axes(logical: Sequence[int], rank: int, nhwc: bool) -> list[int]:
    return [axis(a, rank, nhwc) for a in logical]


def shape(logical: Sequence[int], nhwc: bool) -> tuple[int, ...]:
    """The physical shape of a tensor of logical shape ``logical``."""
    return tuple(logical[p] for p in physical_perm(len(logical), nhwc))


def per_axis(values: Sequence, nhwc: bool) -> list:
    """A per-axis list of a 4-D tensor (pads begins, repeats...) in physical order."""
    return [values[p] for p in physical_perm(len(values), nhwc)]


def inverse(perm: Sequence[int]) -> list[int]:
    out = [0] * len(perm)
    for i, p in enumerate(perm):
        out[p] = i
    return out


def compose(first: Sequence[int], then: Sequence[int]) -> list[int]:
    """The single perm equal to transposing by ``first`` and then by ``then``."""
    return [first[i] for i in then]


def is_identity(perm: Sequence[int]) -> bool:
    return list(perm) == list(range(len(perm)))


def same_memory_order(logical: Sequence[int]) -> bool:
    """True when the NHWC and NCHW forms of a 4-D tensor hold their elements in the same order
    (only size-1 axes move), so a reshape can read either."""
    moved = [p for p in NCHW_TO_NHWC if logical[p] != 1]
    return moved == sorted(moved)


def to_physical(value: np.ndarray, rank: int, nhwc: bool) -> np.ndarray:
    """A constant that broadcasts against a rank-``rank`` logical tensor, rearranged to broadcast
    the same way against its physical form (expanded to that rank when it is channels-last)."""
    if not nhwc or value.ndim == 0:
        return value
    full = value.reshape((1,) * (rank - value.ndim) + value.shape)
    return np.ascontiguousarray(full.transpose(NCHW_TO_NHWC))


def from_physical(value: np.ndarray, original: Sequence[int], nhwc: bool) -> np.ndarray:
    """Undo ``to_physical``: the constant back in its IR shape ``original``."""
    if not nhwc or value.ndim == 0:
        return value
    return np.ascontiguousarray(value.transpose(NHWC_TO_NCHW).reshape(tuple(original)))
