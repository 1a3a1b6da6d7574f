"""Broadcasting arithmetic (Add, Sub, Mul, Div, Pow, Max, Min) and unary math."""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.elementwise import BINARY_OPS, UNARY_OPS


def _divide(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """True division; integers divide toward zero, as in C and ONNX."""
    if a.is_floating_point() or b.is_floating_point():
        return torch.div(a, b)
    return torch.div(a, b, rounding_mode="trunc")


BINARY: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": _divide, "Pow": torch.pow,
    "Max": torch.maximum, "Min": torch.minimum}
UNARY: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "Sqrt": torch.sqrt, "Exp": torch.exp, "Log": torch.log, "Neg": torch.neg, "Abs": torch.abs,
    "Reciprocal": torch.reciprocal, "Floor": torch.floor, "Ceil": torch.ceil, "Erf": torch.erf,
    "Round": torch.round, "Sign": torch.sign, "Sin": torch.sin, "Cos": torch.cos, "Tan": torch.tan,
    "Asin": torch.asin, "Acos": torch.acos, "Atan": torch.atan, "Sinh": torch.sinh, "Cosh": torch.cosh,
    "Asinh": torch.asinh, "Acosh": torch.acosh, "Atanh": torch.atanh,
    "Softplus": lambda x: torch.logaddexp(torch.zeros_like(x), x), "Softsign": torch.nn.functional.softsign}


class Elementwise(nn.Module):
    """``fn`` of the inputs (numpy broadcasting), converted to the IR output dtype (torch promotes
    mixed dtypes; the IR keeps the first input's)."""

    def __init__(self, op: str, fn: Callable[..., torch.Tensor], dtype: torch.dtype) -> None:
        super().__init__()
        self.op, self.fn, self.dtype = op, fn, dtype

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.fn(*inputs).to(self.dtype)

    def extra_repr(self) -> str:
        return self.op


@layer(*BINARY_OPS, *UNARY_OPS)
def elementwise(node: Node, ctx: LayerContext) -> nn.Module:
    """Add/Sub/Mul/Div/Pow/Max/Min and the unary math ops (Sqrt ... Softsign) -> torch ops."""
    return Elementwise(node.op, BINARY.get(node.op) or UNARY[node.op], ctx.out_dtype)
