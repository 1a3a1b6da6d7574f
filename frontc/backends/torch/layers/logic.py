"""Comparisons, boolean logic, Where, Mod, Gelu and LogSoftmax -> torch functions."""
from __future__ import annotations

import torch
from torch import nn

from frontc.backends.torch.layers.tensor import TensorOp
from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.logic import COMPARE_OPS, LOGIC_OPS

FUNCTIONS = {"Equal": torch.eq, "Less": torch.lt, "Greater": torch.gt, "LessOrEqual": torch.le,
             "GreaterOrEqual": torch.ge, "And": torch.logical_and, "Or": torch.logical_or,
             "Xor": torch.logical_xor, "Not": torch.logical_not, "Where": torch.where}


@layer(*COMPARE_OPS, *LOGIC_OPS, "Not", "Where")
def logic(node: Node, ctx: LayerContext) -> nn.Module:
    """Comparisons, And/Or/Xor/Not and Where -> torch.eq/lt/gt/le/ge, logical_*, where."""
    return TensorOp(FUNCTIONS[node.op].__name__, FUNCTIONS[node.op])


class Mod(nn.Module):
    """torch.remainder (the divisor's sign) or torch.fmod (the dividend's)."""

    def __init__(self, fmod: bool) -> None:
        super().__init__()
        self.fmod = fmod

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return (torch.fmod if self.fmod else torch.remainder)(a, b).to(a.dtype)

    def extra_repr(self) -> str:
        return f"fmod={self.fmod}"


@layer("Mod")
def mod(node: Node, ctx: LayerContext) -> nn.Module:
    """Mod -> torch.remainder / torch.fmod."""
    return Mod(bool(ctx.attrs["fmod"]))


@layer("Gelu")
def gelu(node: Node, ctx: LayerContext) -> nn.Module:
    """Gelu -> nn.GELU (approximate 'none' or 'tanh', as in the IR)."""
    return nn.GELU(approximate=ctx.attrs["approximate"])


@layer("LogSoftmax")
def log_softmax(node: Node, ctx: LayerContext) -> nn.Module:
    """LogSoftmax -> nn.LogSoftmax over the same axis."""
    return nn.LogSoftmax(dim=ctx.attrs["axis"])
