"""LayerNorm, GroupNorm, InstanceNorm -> nn.LayerNorm, nn.GroupNorm; Einsum -> torch.einsum; Attention."""
from __future__ import annotations

import math

import torch
from torch import nn

from frontc.backends.torch.layers.tensor import TensorOp
from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.linalg import parse_einsum


@layer("LayerNorm", slots={1: "weight", 2: "bias"})
def layer_norm(node: Node, ctx: LayerContext) -> nn.Module:
    """LayerNorm -> nn.LayerNorm over the trailing axes from ``axis`` (scale and bias as weight, bias)."""
    ctx.need_held(1, 2)
    shape = ctx.shape(0)
    axis = ctx.attrs["axis"] % len(shape)
    return nn.LayerNorm(shape[axis:], eps=ctx.attrs["epsilon"], bias=ctx.present(2), dtype=ctx.dtype(0))


@layer("GroupNorm", slots={1: "weight", 2: "bias"})
def group_norm(node: Node, ctx: LayerContext) -> nn.Module:
    """GroupNorm -> nn.GroupNorm (per-channel affine)."""
    ctx.need_held(1, 2)
    return nn.GroupNorm(ctx.attrs["num_groups"], ctx.shape(0)[1], eps=ctx.attrs["epsilon"], dtype=ctx.dtype(0))


@layer("InstanceNorm", slots={1: "weight", 2: "bias"})
def instance_norm(node: Node, ctx: LayerContext) -> nn.Module:
    """InstanceNorm -> nn.GroupNorm with one group per channel (nn.InstanceNormNd without running
    statistics computes the same, but only for fixed ranks)."""
    ctx.need_held(1, 2)
    channels = ctx.shape(0)[1]
    return nn.GroupNorm(channels, channels, eps=ctx.attrs["epsilon"], dtype=ctx.dtype(0))


class Einsum(nn.Module):
    """torch.einsum with an explicit equation."""

    def __init__(self, equation: str) -> None:
        super().__init__()
        self.equation = equation

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return torch.einsum(self.equation, *inputs)

    def extra_repr(self) -> str:
        return self.equation


@layer("Einsum")
def einsum(node: Node, ctx: LayerContext) -> nn.Module:
    """Einsum -> torch.einsum (the implicit output made explicit)."""
    terms, rhs = parse_einsum(ctx.attrs["equation"], [len(s.shape) for s in ctx.inputs])
    return Einsum(f"{','.join(terms)}->{rhs}")


class Attention(nn.Module):
    """softmax(Q K^T * scale [+ mask]) V (torch.matmul and softmax: the IR broadcasts batch axes)."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                mask: torch.Tensor | None = None) -> torch.Tensor:
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if mask is not None:
            scores = scores + mask
        return torch.matmul(torch.softmax(scores, dim=-1), v)

    def extra_repr(self) -> str:
        return f"scale={self.scale}"


@layer("Attention")
def attention(node: Node, ctx: LayerContext) -> nn.Module:
    """Attention -> matmul, softmax, matmul."""
    return Attention(ctx.attrs["scale"] or 1.0 / math.sqrt(ctx.shape(0)[-1]))


@layer("Det")
def det(node: Node, ctx: LayerContext) -> nn.Module:
    """Det -> torch.linalg.det."""
    return TensorOp("det", torch.linalg.det)
