"""Reduce* -> torch.mean, sum, amax, amin, prod, linalg.vector_norm; ArgMax/ArgMin, TopK, CumSum."""
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
        elif self.op == "ReduceProd":
            y = x
            for dim in sorted(self.dims, reverse=True):
                y = torch.prod(y, dim, keepdim=self.keepdim)
        elif self.op == "ReduceL2":
            source = x if x.is_floating_point() else x.to(torch.float64)
            y = torch.linalg.vector_norm(source, 2, self.dims, keepdim=self.keepdim)
        else:
            y = torch.amin(x, self.dims, keepdim=self.keepdim)
        return y.to(x.dtype)

    def extra_repr(self) -> str:
        return f"{self.op}, dims={self.dims}, keepdim={self.keepdim}"


@layer(*REDUCE_OPS)
def reduce(node: Node, ctx: LayerContext) -> nn.Module:
    """Reduce* over ``axes`` (every axis when empty)."""
    rank = len(ctx.shape(0))
    axes = ctx.attrs["axes"]
    dims = tuple(sorted({norm_axis(ax, rank) for ax in axes})) if axes else tuple(range(rank))
    return Reduce(node.op, dims, bool(ctx.attrs["keepdims"]))


class ArgReduce(nn.Module):
    """torch.argmax / argmin along ``dim``; ``last`` picks the last index of ties (via a flip)."""

    def __init__(self, op: str, dim: int, keepdim: bool, last: bool) -> None:
        super().__init__()
        self.op, self.dim, self.keepdim, self.last = op, dim, keepdim, last

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        fn = torch.argmax if self.op == "ArgMax" else torch.argmin
        if not self.last:
            return fn(x, self.dim, keepdim=self.keepdim)
        return x.shape[self.dim] - 1 - fn(x.flip(self.dim), self.dim, keepdim=self.keepdim)

    def extra_repr(self) -> str:
        return f"{self.op}, dim={self.dim}, keepdim={self.keepdim}, last={self.last}"


@layer("ArgMax", "ArgMin")
def arg_reduce(node: Node, ctx: LayerContext) -> nn.Module:
    """ArgMax/ArgMin -> torch.argmax/argmin."""
    a = ctx.attrs
    return ArgReduce(node.op, norm_axis(a["axis"], len(ctx.shape(0))), bool(a["keepdims"]),
                     bool(a["select_last_index"]))


class TopK(nn.Module):
    """The first k of a stable sort (torch.topk leaves the order of ties unspecified; the IR
    keeps the lower index first)."""

    def __init__(self, k: int, dim: int, largest: bool) -> None:
        super().__init__()
        self.k, self.dim, self.largest = k, dim, largest

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        values, indices = torch.sort(x, stable=True, dim=self.dim, descending=self.largest)
        return values.narrow(self.dim, 0, self.k), indices.narrow(self.dim, 0, self.k)

    def extra_repr(self) -> str:
        return f"k={self.k}, dim={self.dim}, largest={self.largest}"


@layer("TopK")
def top_k(node: Node, ctx: LayerContext) -> nn.Module:
    """TopK -> torch.sort(stable=True) narrowed to k."""
    a = ctx.attrs
    return TopK(a["k"], norm_axis(a["axis"], len(ctx.shape(0))), bool(a["largest"]))


class CumSum(nn.Module):
    """torch.cumsum along ``dim``, from the end when ``reverse``, without the element when ``exclusive``."""

    def __init__(self, dim: int, exclusive: bool, reverse: bool) -> None:
        super().__init__()
        self.dim, self.exclusive, self.reverse = dim, exclusive, reverse

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        source = x.flip(self.dim) if self.reverse else x
        total = torch.cumsum(source, self.dim, dtype=x.dtype)
        if self.exclusive:
            total = total - source
        return total.flip(self.dim) if self.reverse else total

    def extra_repr(self) -> str:
        return f"dim={self.dim}, exclusive={self.exclusive}, reverse={self.reverse}"


@layer("CumSum")
def cum_sum(node: Node, ctx: LayerContext) -> nn.Module:
    """CumSum -> torch.cumsum."""
    a = ctx.attrs
    return CumSum(norm_axis(a["axis"], len(ctx.shape(0))), bool(a["exclusive"]), bool(a["reverse"]))
