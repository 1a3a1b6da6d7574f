"""Bitwise And/Or/Xor/Not, BitShift, IsNaN and IsInf -> torch functions."""
from __future__ import annotations

import torch
from torch import nn

from frontc.backends.torch.layers.tensor import TensorOp
from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.bitwise import BITWISE_OPS

FUNCTIONS = {"BitwiseAnd": torch.bitwise_and, "BitwiseOr": torch.bitwise_or, "BitwiseXor": torch.bitwise_xor,
             "BitwiseNot": torch.bitwise_not, "IsNaN": torch.isnan}


@layer(*BITWISE_OPS, "BitwiseNot", "IsNaN")
def bitwise(node: Node, ctx: LayerContext) -> nn.Module:
    """BitwiseAnd/Or/Xor/Not -> torch.bitwise_*; IsNaN -> torch.isnan."""
    return TensorOp(FUNCTIONS[node.op].__name__, FUNCTIONS[node.op])


@layer("BitShift")
def bit_shift(node: Node, ctx: LayerContext) -> nn.Module:
    """BitShift -> torch.bitwise_left_shift / bitwise_right_shift."""
    fn = torch.bitwise_left_shift if ctx.attrs["direction"] == "LEFT" else torch.bitwise_right_shift
    return TensorOp(fn.__name__, fn)


class IsInf(nn.Module):
    """torch.isposinf / isneginf / isinf, as the detect flags ask."""

    def __init__(self, negative: bool, positive: bool) -> None:
        super().__init__()
        self.negative, self.positive = negative, positive

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (torch.isneginf(x) & self.negative) | (torch.isposinf(x) & self.positive)

    def extra_repr(self) -> str:
        return f"negative={self.negative}, positive={self.positive}"


@layer("IsInf")
def is_inf(node: Node, ctx: LayerContext) -> nn.Module:
    """IsInf -> torch.isneginf / isposinf."""
    return IsInf(bool(ctx.attrs["detect_negative"]), bool(ctx.attrs["detect_positive"]))
