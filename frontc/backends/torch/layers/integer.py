"""DynamicQuantizeLinear, MatMulInteger, ConvInteger, QuantizeLinear and DequantizeLinear -> torch,
exact: the integer products are summed in float64 (exact below 2**53) and cast to int32."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

from frontc.backends.torch.layers.conv import geometry, torch_pads
from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node


class DynamicQuantizeLinear(nn.Module):
    """uint8 y, scale and zero point of x over [min(0, min x), max(0, max x)], in float32."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        zero = torch.zeros((), dtype=torch.float32)
        low, high = torch.minimum(x.min(), zero), torch.maximum(x.max(), zero)
        scale = torch.where(high == low, torch.ones_like(zero), (high - low) / 255)
        point = torch.round(torch.clamp(zero - low / scale, 0, 255))  # torch.round: half to even
        y = torch.clamp(torch.round(x / scale) + point, 0, 255)
        return y.to(torch.uint8), scale, point.to(torch.uint8)


class Integer(nn.Module):
    """``op`` of two operands minus their optional zero points (1-d ones along ``axes``), in float64."""

    def __init__(self, op: str, present: tuple[bool, bool], axes: tuple[int, int], rank: tuple[int, int],
                 pads: tuple[int, ...], **conv: object) -> None:
        super().__init__()
        self.op, self.present, self.axes, self.rank, self.pads, self.conv = op, present, axes, rank, pads, conv

    def _centered(self, value: torch.Tensor, zp: torch.Tensor | None, k: int) -> torch.Tensor:
        value = value.to(torch.float64)
        if zp is None:
            return value
        zp = zp.to(torch.float64)
        if zp.dim() == 1 and zp.numel() > 1:
            shape = [1] * self.rank[k]
            shape[self.axes[k]] = -1
            zp = zp.reshape(shape)
        return value - zp.reshape(()) if zp.numel() == 1 else value - zp

    def forward(self, a: torch.Tensor, b: torch.Tensor, *zps: torch.Tensor) -> torch.Tensor:
        given = iter(zps)
        a_zp, b_zp = (next(given) if p else None for p in self.present)
        a, b = self._centered(a, a_zp, 0), self._centered(b, b_zp, 1)
        if self.op == "MatMulInteger":
            return torch.matmul(a, b).to(torch.int32)
        fn = {3: functional.conv1d, 4: functional.conv2d, 5: functional.conv3d}[a.dim()]
        return fn(functional.pad(a, self.pads), b, **self.conv).to(torch.int32)


@layer("DynamicQuantizeLinear")
def dynamic_quantize_linear(node: Node, ctx: LayerContext) -> nn.Module:
    """DynamicQuantizeLinear -> float32 torch ops with round half to even."""
    return DynamicQuantizeLinear()


@layer("MatMulInteger", "ConvInteger")
def integer(node: Node, ctx: LayerContext) -> nn.Module:
    """MatMulInteger -> float64 matmul; ConvInteger -> float64 convNd after F.pad (zero after centering)."""
    present = (ctx.present(2), ctx.present(3))
    rank = (len(ctx.shape(0)), len(ctx.shape(1)))
    if node.op == "MatMulInteger":
        return Integer(node.op, present, (-2, -1), rank, ())
    n, strides, dilations, pads = geometry(ctx)
    return Integer(node.op, present, (0, 0), rank, torch_pads(pads[:n], pads[n:]), stride=tuple(strides),
                   dilation=tuple(dilations), groups=ctx.attrs["group"])


class QuantDequant(nn.Module):
    """QuantizeLinear (float32 x / scale, round half to even, + zero point, saturated) or DequantizeLinear
    ((x - zero point) in float64, exact for these integers, then float32 times the scale)."""

    def __init__(self, op: str, axis: int, block: int, dtype: torch.dtype) -> None:
        super().__init__()
        self.op, self.axis, self.block, self.dtype = op, axis, block, dtype

    def _along(self, value: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        if value.numel() == 1:
            return value.reshape(())
        if self.block > 0:
            return value.repeat_interleave(self.block, self.axis).narrow(self.axis, 0, x.shape[self.axis])
        shape = [1] * x.dim()
        shape[self.axis] = -1
        return value.reshape(shape)

    def forward(self, x: torch.Tensor, scale: torch.Tensor, *zp: torch.Tensor) -> torch.Tensor:
        scale = self._along(scale, x)
        zero = self._along(zp[0], x).to(torch.float64) if zp else torch.zeros((), dtype=torch.float64)
        if self.op == "DequantizeLinear":
            return (x.to(torch.float64) - zero).to(torch.float32) * scale
        info = torch.iinfo(self.dtype)
        y = torch.round(x / scale).to(torch.float64) + zero
        return torch.clamp(y, info.min, info.max).to(self.dtype)


@layer("QuantizeLinear", "DequantizeLinear")
def quantize_dequantize(node: Node, ctx: LayerContext) -> nn.Module:
    """QuantizeLinear, DequantizeLinear -> QuantDequant (per tensor, per axis or blocked)."""
    return QuantDequant(node.op, ctx.attrs["axis"], ctx.attrs["block_size"], ctx.out_dtype)
