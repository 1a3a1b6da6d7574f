"""Conv (with residual and fused activation) and ConvTranspose -> nn.Conv1d/2d/3d and
nn.ConvTranspose1d/2d/3d."""
from __future__ import annotations

import torch
from torch import nn

from frontc.backends.torch.layers.activation import fused_activation
from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.common import pads_for, spatial

CONVS = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
CONV_TRANSPOSES = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
ZERO_PADS = {1: nn.ZeroPad1d, 2: nn.ZeroPad2d, 3: nn.ZeroPad3d}


def torch_pads(begins: list[int], ends: list[int]) -> tuple[int, ...]:
    """IR pads (per spatial axis, first axis first) in F.pad's order: last axis first."""
    out: list[int] = []
    for begin, end in zip(reversed(begins), reversed(ends)):
        out += [begin, end]
    return tuple(out)


def geometry(ctx: LayerContext) -> tuple[int, list[int], list[int], list[int]]:
    """(spatial rank, strides, dilations, pads) of a Conv/ConvTranspose, checked for torch."""
    n = len(ctx.shape(0)) - 2
    if n not in CONVS:
        raise ctx.unsupported(f"{n} spatial axes (torch has 1-d, 2-d and 3-d layers)")
    a = ctx.attrs
    return n, spatial(a["strides"], n, 1, "strides"), spatial(a["dilations"], n, 1, "dilations"), \
        pads_for(a["pads"], n)


class Conv(nn.Module):
    """``conv`` after ``pad`` (asymmetric IR pads), plus ``residual``, then ``activation``."""

    def __init__(self, conv: nn.Module, pad: nn.Module | None, activation: nn.Module | None) -> None:
        super().__init__()
        self.pad = pad
        self.conv = conv
        self.activation = activation

    def forward(self, x: torch.Tensor, residual: torch.Tensor | None = None) -> torch.Tensor:
        if self.pad is not None:
            x = self.pad(x)
        y = self.conv(x)
        if residual is not None:
            y = y.add_(residual)  # y is the convolution's own fresh output
        return y if self.activation is None else self.activation(y)


@layer("Conv", slots={1: "conv.weight", 2: "conv.bias"})
def conv(node: Node, ctx: LayerContext) -> nn.Module:
    """Conv -> nn.ConvNd (symmetric pads as its padding, others by an explicit ZeroPadNd)."""
    ctx.need_held(1, 2)
    n, strides, dilations, pads = geometry(ctx)
    w = ctx.shape(1)
    symmetric = pads[:n] == pads[n:]
    layer_ = CONVS[n](ctx.shape(0)[1], w[0], tuple(w[2:]), stride=tuple(strides),
                      padding=tuple(pads[:n]) if symmetric else 0, dilation=tuple(dilations),
                      groups=ctx.attrs["group"], bias=ctx.present(2), dtype=ctx.dtype(1))
    pad = None if symmetric else ZERO_PADS[n](torch_pads(pads[:n], pads[n:]))
    return Conv(layer_, pad, fused_activation(ctx))


class ConvTranspose(nn.Module):
    """``conv``, cropped to ``crop`` (per spatial axis: start, stop) for asymmetric IR pads,
    then ``activation``."""

    def __init__(self, conv: nn.Module, crop: list[tuple[int, int]] | None,
                 activation: nn.Module | None) -> None:
        super().__init__()
        self.conv = conv
        self.crop = crop
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        if self.crop is not None:
            y = y[(slice(None), slice(None), *(slice(start, stop) for start, stop in self.crop))]
        return y if self.activation is None else self.activation(y)


@layer("ConvTranspose", slots={1: "conv.weight", 2: "conv.bias"})
def conv_transpose(node: Node, ctx: LayerContext) -> nn.Module:
    """ConvTranspose -> nn.ConvTransposeNd; of asymmetric pads the larger part is cropped after it."""
    ctx.need_held(1, 2)
    n, strides, dilations, pads = geometry(ctx)
    w, group = ctx.shape(1), ctx.attrs["group"]
    common = [min(b, e) for b, e in zip(pads[:n], pads[n:])]
    layer_ = CONV_TRANSPOSES[n](w[0], w[1] * group, tuple(w[2:]), stride=tuple(strides),
                                padding=tuple(common),
                                output_padding=tuple(spatial(ctx.attrs["output_padding"], n, 0, "")),
                                groups=group, bias=ctx.present(2), dilation=tuple(dilations),
                                dtype=ctx.dtype(1))
    crop = None
    if pads[:n] != pads[n:]:
        out = ctx.out_shape[2:]
        crop = [(pads[i] - common[i], pads[i] - common[i] + out[i]) for i in range(n)]
    return ConvTranspose(layer_, crop, fused_activation(ctx))
