"""Reductions over axes."""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import need, norm_axis
from frontc.ir.schema import AttrSpec, Ins, register_op

REDUCE_OPS = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin")


def reduced_shape(shape: tuple[int, ...], axes: list[int], keepdims: int) -> tuple[int, ...]:
    rank = len(shape)
    picked = {norm_axis(ax, rank) for ax in axes} if axes else set(range(rank))
    if keepdims:
        return tuple(1 if i in picked else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in picked)


def _reduce(ins: Ins, a: dict[str, Any]):
    x = need(ins, 0, "X")
    return [(reduced_shape(x.shape, a["axes"], a["keepdims"]), x.dtype)]


for _op in REDUCE_OPS:
    register_op(_op, ["X"], {"axes": AttrSpec("ints", ()), "keepdims": AttrSpec("int", 1, (0, 1))},
                family="reduce", doc=f"{_op} over ``axes`` (every axis when empty).")(_reduce)
