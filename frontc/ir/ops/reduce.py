"""Reductions over axes, arg-reductions, TopK and CumSum."""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import need, norm_axis, require
from frontc.ir.schema import AttrSpec, Ins, register_op

REDUCE_OPS = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2")
ARG_OPS = ("ArgMax", "ArgMin")


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


def _arg(ins: Ins, a: dict[str, Any]):
    x = need(ins, 0, "X")
    require(x.rank >= 1, "ArgMax/ArgMin need rank >= 1")
    return [(reduced_shape(x.shape, [a["axis"]], a["keepdims"]), "int64")]


for _op in ARG_OPS:
    register_op(_op, ["X"], {"axis": AttrSpec("int", 0), "keepdims": AttrSpec("int", 1, (0, 1)),
                             "select_last_index": AttrSpec("int", 0, (0, 1))},
                family="reduce", doc=f"{_op}: int64 index along ``axis`` (first one on ties, "
                                     "the last with select_last_index).")(_arg)


@register_op("TopK", ["X"], {"k": AttrSpec("int"), "axis": AttrSpec("int", -1),
                             "largest": AttrSpec("int", 1, (0, 1)), "sorted": AttrSpec("int", 1, (0, 1))},
             outputs=2, family="reduce")
def top_k(ins: Ins, a: dict[str, Any]):
    """The k largest (smallest) values along ``axis``, sorted, and their int64 indices; ties
    keep the lower index first."""
    x = need(ins, 0, "X")
    axis = norm_axis(a["axis"], x.rank)
    require(0 <= a["k"] <= x.shape[axis], f"TopK k={a['k']} is out of range for {x.shape}[{axis}]")
    shape = x.shape[:axis] + (a["k"],) + x.shape[axis + 1:]
    return [(shape, x.dtype), (shape, "int64")]


@register_op("CumSum", ["X"], {"axis": AttrSpec("int"), "exclusive": AttrSpec("int", 0, (0, 1)),
                               "reverse": AttrSpec("int", 0, (0, 1))}, family="reduce")
def cum_sum(ins: Ins, a: dict[str, Any]):
    """Running sum along ``axis`` (exclusive: without the element itself; reverse: from the end)."""
    x = need(ins, 0, "X")
    norm_axis(a["axis"], x.rank)
    return [(x.shape, x.dtype)]
