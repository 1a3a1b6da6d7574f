"""BatchNorm, Dense, Gemm, MatMul and LRN."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from frontc.backends.torch.layers.activation import fused_activation
from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node

BATCH_NORMS = {2: nn.BatchNorm1d, 3: nn.BatchNorm1d, 4: nn.BatchNorm2d, 5: nn.BatchNorm3d}


class FlatBatchNorm(nn.BatchNorm1d):
    """BatchNorm over axis 1 of a tensor of rank > 5: the spatial axes are flattened into one."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.reshape(x.shape[0], x.shape[1], -1)).reshape(x.shape)


@layer("BatchNorm", slots={1: "weight", 2: "bias", 3: "running_mean", 4: "running_var"})
def batch_norm(node: Node, ctx: LayerContext) -> nn.Module:
    """BatchNorm -> nn.BatchNorm1d/2d/3d (eval mode uses the running statistics)."""
    ctx.need_held(1, 2, 3, 4)
    rank = len(ctx.shape(0))
    kind = BATCH_NORMS.get(rank, FlatBatchNorm)
    return kind(ctx.shape(0)[1], eps=ctx.attrs["epsilon"], dtype=ctx.dtype(1))


class Dense(nn.Module):
    """``linear`` then the fused ``activation``."""

    def __init__(self, linear: nn.Linear, activation: nn.Module | None) -> None:
        super().__init__()
        self.linear = linear
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.linear(x)
        return y if self.activation is None else self.activation(y)


@layer("Dense", slots={1: "linear.weight", 2: "linear.bias"})
def dense(node: Node, ctx: LayerContext) -> nn.Module:
    """Dense -> nn.Linear (W is (out, in) in both)."""
    ctx.need_held(1, 2)
    out_features, in_features = ctx.shape(1)
    linear = nn.Linear(in_features, out_features, bias=ctx.present(2), dtype=ctx.dtype(1))
    return Dense(linear, fused_activation(ctx))


class Gemm(nn.Module):
    """alpha * A' @ B' + beta * C; B and C are parameters where the IR has them as params."""

    def __init__(self, ctx: LayerContext) -> None:
        super().__init__()
        a = ctx.attrs
        self.alpha, self.beta, self.trans_a, self.trans_b = a["alpha"], a["beta"], a["transA"], a["transB"]
        self.has_c = ctx.present(2)
        for i, name in ((1, "B"), (2, "C")):
            held = nn.Parameter(torch.zeros(ctx.shape(i), dtype=ctx.dtype(i))) if ctx.holds(i) else None
            setattr(self, name, held)

    def forward(self, a: torch.Tensor, *rest: torch.Tensor) -> torch.Tensor:
        rest_ = list(rest)
        b = self.B if self.B is not None else rest_.pop(0)
        c = self.C if self.C is not None or not self.has_c else rest_.pop(0)
        y = (a.T if self.trans_a else a) @ (b.T if self.trans_b else b)
        if self.alpha != 1.0:
            y = y * self.alpha
        return y if c is None else y + c * self.beta

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}, beta={self.beta}, transA={self.trans_a}, transB={self.trans_b}"


@layer("Gemm", slots={1: "B", 2: "C"})
def gemm(node: Node, ctx: LayerContext) -> nn.Module:
    """Gemm -> matmul with its scalings (the reconstruct pipeline turns constant-B Gemms into Dense)."""
    return Gemm(ctx)


class MatMul(nn.Module):
    """torch.matmul: numpy.matmul semantics, batched and broadcast."""

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b)


@layer("MatMul")
def matmul(node: Node, ctx: LayerContext) -> nn.Module:
    """MatMul -> torch.matmul."""
    return MatMul()


class EvenLRN(nn.Module):
    """ONNX LRN of an even size: floor((size-1)/2) channels before, ceil((size-1)/2) after
    (nn.LocalResponseNorm puts the larger half before)."""

    def __init__(self, size: int, alpha: float, beta: float, bias: float) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.bias = size, alpha, beta, bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        before = (self.size - 1) // 2
        square = F.pad(x * x, (0, 0) * (x.dim() - 2) + (before, self.size - 1 - before))
        total = sum(square.narrow(1, i, x.shape[1]) for i in range(self.size))
        return x / (self.bias + self.alpha / self.size * total) ** self.beta

    def extra_repr(self) -> str:
        return f"size={self.size}, alpha={self.alpha}, beta={self.beta}, bias={self.bias}"


@layer("LRN")
def lrn(node: Node, ctx: LayerContext) -> nn.Module:
    """LRN -> nn.LocalResponseNorm (odd sizes, where both put the window alike)."""
    a = ctx.attrs
    if a["size"] % 2:
        return nn.LocalResponseNorm(a["size"], a["alpha"], a["beta"], a["bias"])
    return EvenLRN(a["size"], a["alpha"], a["beta"], a["bias"])
