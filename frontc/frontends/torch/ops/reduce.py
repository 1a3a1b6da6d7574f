"""Reductions over dims."""
from __future__ import annotations

from typing import Any

from frontc.frontends.torch.context import ConversionContext, bind_args
from frontc.frontends.torch.registry import REG

REDUCE = {"mean": "ReduceMean", "sum": "ReduceSum", "amax": "ReduceMax", "amin": "ReduceMin",
          "max": "ReduceMax", "min": "ReduceMin"}


def _axes(dims: Any) -> list[int]:
    if dims is None:
        return []
    return [int(d) for d in dims] if isinstance(dims, (list, tuple)) else [int(dims)]


@REG.register("aten.mean.dim", "aten.mean.default", "aten.sum.dim_IntList", "aten.sum.default",
              "aten.amax.default", "aten.amin.default")
def reduce(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.mean / sum / amax / amin over dims (all dims when none) -> ReduceMean / Sum / Max / Min."""
    a = bind_args(node)
    x = ctx.tensor(a["self"])
    if ctx.builder.graph.spec(x).dtype != ctx.dtype(node):
        x = ctx.add1(node, "Cast", [x], {"to": ctx.dtype(node)}, suffix="cast")
    attrs = {"axes": _axes(a.get("dim")), "keepdims": int(bool(a.get("keepdim", False)))}
    return [ctx.add1(node, REDUCE[node.target._opname], [x], attrs)]


@REG.register("aten.max.dim", "aten.min.dim")
def reduce_with_indices(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.max.dim / min.dim -> ReduceMax / ReduceMin (the values output; indices are unsupported)."""
    a = bind_args(node)
    attrs = {"axes": [int(a["dim"])], "keepdims": int(bool(a["keepdim"]))}
    return [ctx.add1(node, REDUCE[node.target._opname], [ctx.tensor(a["self"])], attrs), ""]
