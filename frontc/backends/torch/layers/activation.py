"""Activations (standalone, and fused into Conv/ConvTranspose/Dense), PRelu and Softmax."""
from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch import nn

from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.elementwise import ACTIVATION_OPS


class Clamp(nn.Module):
    """Clip with min >= max (every value becomes max), which nn.Hardtanh refuses."""

    def __init__(self, low: float, high: float) -> None:
        super().__init__()
        self.low, self.high = low, high

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x, self.low, self.high)

    def extra_repr(self) -> str:
        return f"min={self.low}, max={self.high}"


class HardSigmoid(nn.Module):
    """clamp(alpha * x + beta, 0, 1): nn.Hardsigmoid is only alpha = 1/6, beta = 0.5."""

    def __init__(self, alpha: float, beta: float) -> None:
        super().__init__()
        self.alpha, self.beta = alpha, beta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x * self.alpha + self.beta, 0.0, 1.0)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}, beta={self.beta}"


class Swish(nn.Module):
    """x * sigmoid(alpha * x): nn.SiLU is only alpha = 1."""

    def __init__(self, alpha: float) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(x * self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


def activation_module(op: str, params: dict[str, Any], inplace: bool = False) -> nn.Module:
    """The torch module of IR activation ``op`` with its attributes ``params`` (defaults filled);
    ``inplace`` where torch's module offers it (for tensors nothing else reads)."""
    if op == "Relu":
        return nn.ReLU(inplace=inplace)
    if op == "Relu6":
        return nn.ReLU6(inplace=inplace)
    if op == "Sigmoid":
        return nn.Sigmoid()
    if op == "Tanh":
        return nn.Tanh()
    if op == "HardSwish":
        return nn.Hardswish(inplace=inplace)
    if op == "Clip":
        low, high = params["min"], params["max"]
        return nn.Hardtanh(low, high, inplace=inplace) if low < high else Clamp(low, high)
    if op == "LeakyRelu":
        return nn.LeakyReLU(params["alpha"], inplace=inplace)
    if op == "Elu":
        return nn.ELU(params["alpha"], inplace=inplace)
    if op == "HardSigmoid":
        if np.isclose(params["alpha"], 1 / 6, rtol=1e-6, atol=0) and params["beta"] == 0.5:
            return nn.Hardsigmoid(inplace=inplace)
        return HardSigmoid(params["alpha"], params["beta"])
    if op == "Swish":
        return nn.SiLU(inplace=inplace) if params["alpha"] == 1.0 else Swish(params["alpha"])
    raise KeyError(op)


def inplace_variant(module: nn.Module) -> nn.Module:
    """A copy of an activation module that overwrites its input (the module itself if it cannot)."""
    if not hasattr(module, "inplace") or module.inplace:
        return module
    clone = copy.copy(module)
    clone.inplace = True
    return clone


def fused_activation(ctx: LayerContext) -> nn.Module | None:
    """The module of the activation a Conv/ConvTranspose/Dense carries in its attributes."""
    name = ctx.attrs.get("activation", "")
    if not name:
        return None
    if name not in ACTIVATION_OPS:
        raise ctx.unsupported(f"unknown fused activation '{name}'",
                              hint=f"use one of {sorted(ACTIVATION_OPS)}")
    specs = ACTIVATION_OPS[name]
    values = list(ctx.attrs.get("activation_params", []))
    if len(values) > len(specs):
        raise ctx.unsupported(f"activation {name} takes {len(specs)} params, got {len(values)}")
    params = {key: spec.default for key, spec in specs.items()}
    params.update(zip(specs, values))
    return activation_module(name, params, inplace=True)  # the layer's own fresh output


@layer(*ACTIVATION_OPS)
def activation(node: Node, ctx: LayerContext) -> nn.Module:
    """IR activation -> the matching torch module."""
    return activation_module(node.op, ctx.attrs)


class PReLU(nn.Module):
    """x if x >= 0 else slope * x, with a slope of any shape that broadcasts to x (nn.PReLU
    takes one slope per channel); the slope is a parameter, or the second input."""

    def __init__(self, slope_shape: tuple[int, ...] | None, dtype: torch.dtype) -> None:
        super().__init__()
        self.weight = None if slope_shape is None else nn.Parameter(torch.zeros(slope_shape, dtype=dtype))

    def forward(self, x: torch.Tensor, slope: torch.Tensor | None = None) -> torch.Tensor:
        slope = self.weight if slope is None else slope
        return torch.where(x >= 0, x, x * slope)


def _per_channel(x_shape: tuple[int, ...], slope_shape: tuple[int, ...]) -> bool:
    """Whether a slope broadcasts to x as nn.PReLU's (C,) weight does: one value per axis-1 entry."""
    if len(x_shape) < 2 or len(slope_shape) > len(x_shape):
        return False
    padded = (1,) * (len(x_shape) - len(slope_shape)) + tuple(slope_shape)
    return padded[1] == x_shape[1] and all(d == 1 for i, d in enumerate(padded) if i != 1)


@layer("PRelu", slots={1: "weight"})
def prelu(node: Node, ctx: LayerContext) -> nn.Module:
    """PRelu -> nn.PReLU for a single or per-channel slope, else an elementwise PReLU."""
    slope_shape = ctx.shape(1)
    if ctx.holds(1) and len(ctx.shape(0)) >= 1:
        size = int(np.prod(slope_shape))
        if size == 1 or _per_channel(ctx.shape(0), slope_shape):
            return nn.PReLU(size, dtype=ctx.dtype(1))
    return PReLU(slope_shape if ctx.holds(1) else None, ctx.dtype(1))


@layer("Softmax")
def softmax(node: Node, ctx: LayerContext) -> nn.Module:
    """Softmax -> nn.Softmax over the same axis."""
    return nn.Softmax(dim=ctx.attrs["axis"])
