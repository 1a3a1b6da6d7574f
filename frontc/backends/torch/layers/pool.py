"""MaxPool, AvgPool -> nn.MaxPool1d/2d/3d, nn.AvgPool1d/2d/3d; global pools -> adaptive pools.

torch takes symmetric padding of at most half the kernel. Other pads are applied explicitly
(with -inf for max, 0 for average) and ceil mode is replaced by the extra end padding its
last windows need; an average then divides by the share of each window that the IR counts
(real inputs, plus the explicit pads with count_include_pad), precomputed from the shapes.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from frontc.backends.torch.layers.conv import torch_pads
from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.common import pads_for, spatial

MAX_POOLS = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}
AVG_POOLS = {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d}
ADAPTIVE = {"GlobalAvgPool": {1: nn.AdaptiveAvgPool1d, 2: nn.AdaptiveAvgPool2d, 3: nn.AdaptiveAvgPool3d},
            "GlobalMaxPool": {1: nn.AdaptiveMaxPool1d, 2: nn.AdaptiveMaxPool2d, 3: nn.AdaptiveMaxPool3d}}


class PaddedPool(nn.Module):
    """``pool`` (no padding, floor mode) of the input padded by ``pads`` (F.pad order) with
    ``value``, divided by ``share`` (a buffer of the output's spatial shape) when set."""

    def __init__(self, pool: nn.Module, pads: tuple[int, ...], value: float,
                 share: torch.Tensor | None) -> None:
        super().__init__()
        self.pool, self.pads, self.value = pool, pads, value
        self.register_buffer("share", share, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.pool(F.pad(x, self.pads, value=self.value))
        return y if self.share is None else y / self.share

    def extra_repr(self) -> str:
        return f"pads={self.pads}, value={self.value}"


def _window_share(mask: np.ndarray, kernel: list[int], strides: list[int], dtype: torch.dtype) -> torch.Tensor:
    """The mean of ``mask`` (1 where the IR counts an element) over each floor-mode window."""
    pooled = F.avg_pool1d if mask.ndim == 3 else F.avg_pool2d if mask.ndim == 4 else F.avg_pool3d
    return pooled(torch.from_numpy(mask), kernel, strides)[0, 0].to(dtype)


@layer("MaxPool", "AvgPool")
def pool(node: Node, ctx: LayerContext) -> nn.Module:
    """MaxPool/AvgPool -> the native pool (explicit padding where torch's cannot express it)."""
    a = ctx.attrs
    n = len(ctx.shape(0)) - 2
    if n not in MAX_POOLS:
        raise ctx.unsupported(f"{n} spatial axes (torch has 1-d, 2-d and 3-d pools)")
    kernel = list(a["kernel_shape"])
    strides = spatial(a["strides"], n, 1, "strides")
    dilations = spatial(a.get("dilations", []), n, 1, "dilations")
    pads = pads_for(a["pads"], n)
    is_max = node.op == "MaxPool"
    if is_max and not ctx.inputs[0].dtype.startswith("float"):
        raise ctx.unsupported(f"{ctx.inputs[0].dtype} input (torch max-pools floating point only)")
    if pads[:n] == pads[n:] and all(p <= k // 2 for p, k in zip(pads, kernel)):
        ceil = bool(a["ceil_mode"])
        if is_max:
            return MAX_POOLS[n](kernel, strides, pads[:n], dilations, ceil_mode=ceil)
        return AVG_POOLS[n](kernel, strides, pads[:n], ceil_mode=ceil,
                            count_include_pad=bool(a["count_include_pad"]))
    size, out = ctx.shape(0)[2:], ctx.out_shape[2:]
    extra = [max(0, (out[i] - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1
                 - (size[i] + pads[i] + pads[n + i])) for i in range(n)]
    ends = [p + e for p, e in zip(pads[n:], extra)]
    if is_max:
        return PaddedPool(MAX_POOLS[n](kernel, strides, 0, dilations), torch_pads(pads[:n], ends),
                          float("-inf"), None)
    share = None
    if not a["count_include_pad"] or any(extra):
        counted = np.ones((1, 1, *size))
        if a["count_include_pad"]:
            counted = np.pad(counted, [(0, 0), (0, 0)] + list(zip(pads[:n], pads[n:])), constant_values=1)
            counted = np.pad(counted, [(0, 0), (0, 0)] + [(0, e) for e in extra])
        else:
            counted = np.pad(counted, [(0, 0), (0, 0)] + list(zip(pads[:n], ends)))
        share = _window_share(counted, kernel, strides, ctx.dtype(0))
    return PaddedPool(AVG_POOLS[n](kernel, strides, 0), torch_pads(pads[:n], ends), 0.0, share)


class GlobalPool(nn.Module):
    """Mean or max over every spatial axis of a tensor of any rank, keeping them as size 1."""

    def __init__(self, reduce: str) -> None:
        super().__init__()
        self.reduce = reduce

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        axes = tuple(range(2, x.dim()))
        return x.mean(axes, keepdim=True) if self.reduce == "mean" else x.amax(axes, keepdim=True)


@layer("GlobalAvgPool", "GlobalMaxPool")
def global_pool(node: Node, ctx: LayerContext) -> nn.Module:
    """GlobalAvgPool/GlobalMaxPool -> nn.AdaptiveAvgPool/AdaptiveMaxPool with output size 1."""
    n = len(ctx.shape(0)) - 2
    if n in ADAPTIVE[node.op]:
        return ADAPTIVE[node.op][n](1)
    return GlobalPool("mean" if node.op == "GlobalAvgPool" else "max")
