"""Reshapes, permutes, casts and block moves: the IR's static shapes make every argument static."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from frontc.backends.torch.registry import LayerContext, layer, torch_dtype
from frontc.ir.graph import Node


class TensorOp(nn.Module):
    """``fn(*inputs, *args)`` with static ``args``: a torch function with its IR attributes."""

    def __init__(self, name: str, fn: Callable[..., torch.Tensor], *args: Any) -> None:
        super().__init__()
        self.name, self.fn, self.args = name, fn, args

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.fn(*inputs, *self.args)

    def extra_repr(self) -> str:
        return f"{self.name}{self.args}"


@layer("Identity")
def identity(node: Node, ctx: LayerContext) -> nn.Module:
    """Identity -> nn.Identity."""
    return nn.Identity()


@layer("Dropout")
def dropout(node: Node, ctx: LayerContext) -> nn.Module:
    """Dropout -> nn.Dropout with the IR ratio (the identity in eval mode, as in the IR)."""
    return nn.Dropout(ctx.attrs["ratio"])


@layer("Cast")
def cast(node: Node, ctx: LayerContext) -> nn.Module:
    """Cast -> Tensor.to(dtype) (float to integer truncates toward zero in both)."""
    return TensorOp("to", torch.Tensor.to, torch_dtype(ctx.outputs[0].dtype, ctx))


@layer("Reshape", "Squeeze", "Unsqueeze")
def reshape(node: Node, ctx: LayerContext) -> nn.Module:
    """Reshape/Squeeze/Unsqueeze -> torch.reshape to the node's (static) output shape."""
    return TensorOp("reshape", torch.reshape, ctx.out_shape)


@layer("Flatten")
def flatten(node: Node, ctx: LayerContext) -> nn.Module:
    """Flatten(axis=1) -> nn.Flatten; other axes -> torch.reshape to the output shape."""
    axis = ctx.attrs["axis"]
    if len(ctx.shape(0)) >= 2 and axis in (1, 1 - len(ctx.shape(0))):
        return nn.Flatten()
    return TensorOp("reshape", torch.reshape, ctx.out_shape)


@layer("Transpose")
def transpose(node: Node, ctx: LayerContext) -> nn.Module:
    """Transpose -> torch.permute (reversed axes when perm is empty)."""
    perm = ctx.attrs["perm"] or list(range(len(ctx.shape(0))))[::-1]
    return TensorOp("permute", torch.permute, tuple(perm))


@layer("Expand")
def expand(node: Node, ctx: LayerContext) -> nn.Module:
    """Expand -> Tensor.expand to the broadcast (output) shape."""
    return TensorOp("expand", torch.Tensor.expand, ctx.out_shape)


@layer("Tile")
def tile(node: Node, ctx: LayerContext) -> nn.Module:
    """Tile -> torch.tile."""
    return TensorOp("tile", torch.tile, tuple(ctx.attrs["repeats"]))


class Constant(nn.Module):
    """A value fixed by the graph's static shapes (a non-persistent buffer, no IR param)."""

    def __init__(self, value: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("value", value, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.value.clone()


@layer("Shape")
def shape(node: Node, ctx: LayerContext) -> nn.Module:
    """Shape -> the (static) shape slice as an int64 constant."""
    dims = ctx.shape(0)[ctx.attrs["start"]:ctx.attrs["end"]]
    return Constant(torch.tensor(dims, dtype=torch.int64))


def _depth_to_space_dcr(x: torch.Tensor, b: int) -> torch.Tensor:
    n, c, h, w = x.shape
    y = x.reshape(n, b, b, c // (b * b), h, w).permute(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c // (b * b), h * b, w * b)


def _space_to_depth(x: torch.Tensor, b: int) -> torch.Tensor:
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * b * b, h // b, w // b)


@layer("DepthToSpace")
def depth_to_space(node: Node, ctx: LayerContext) -> nn.Module:
    """DepthToSpace CRD -> nn.PixelShuffle; DCR (channel blocks outermost) -> reshape/permute."""
    b = ctx.attrs["blocksize"]
    if ctx.attrs["mode"] == "CRD":
        return nn.PixelShuffle(b)
    return TensorOp("depth_to_space_dcr", _depth_to_space_dcr, b)


@layer("SpaceToDepth")
def space_to_depth(node: Node, ctx: LayerContext) -> nn.Module:
    """SpaceToDepth -> reshape/permute (its channel order is not nn.PixelUnshuffle's)."""
    return TensorOp("space_to_depth", _space_to_depth, ctx.attrs["blocksize"])
