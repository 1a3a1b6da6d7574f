"""ReduceMean, ReduceSum, ReduceMax, ReduceMin -> torch.mean, sum, amax, amin."""
from __future__ import annotations

import torch
from torch import nn

from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.common import norm_axis
from frontc.ir.ops.reduce import REDUCE_OPS


class Reduce(nn.Module):
    """One reduction over ``dims`` (static, normalized); integer means go through float64 and
    truncate, as numpy does, and the result keeps the input dtype."""

    def __init__(self, op: str, dims: tuple[int, ...], keepdim: bool) -> None:
        super().__init__()
        self.op, self.dims, self.keepdim = op, dims, keepdim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.dims:
            return x
        if self.op == "ReduceMean":
            source = x if x.is_floating_point() else x.to(torch.float64)
            y = torch.mean(source, self.dims, keepdim=self.keepdim)
        elif self.op == "ReduceSum":
            y = torch.sum(x, self.dims, keepdim=self.keepdim)
        elif self.op == "ReduceMax":
            y = torch.amax(x, self.dims, keepdim=self.keepdim)
        else:
            y = torch.amin(x, self.dims, keepdim=self.keepdim)
        return y.to(x.dtype)

    def extra_repr(self) -> str:
        return f"{self.op}, dims={self.dims}, keepdim={self.keepdim}"


@layer(*REDUCE_OPS)
def reduce(node: Node, ctx: LayerContext) -> nn.Module:
    """ReduceMean/Sum/Max/Min over ``axes`` (every axis when empty)."""
    rank = len(ctx.shape(0))
    axes = ctx.attrs["axes"]
    dims = tuple(sorted({norm_axis(ax, rank) for ax in axes})) if axes else tuple(range(rank))
    return Reduce(node.op, dims, bool(ctx.attrs["keepdims"]))
