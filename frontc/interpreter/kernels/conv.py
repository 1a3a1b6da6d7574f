"""Conv (with bias, residual and fused activation) and ConvTranspose."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.kernels.elementwise import fused_activation
from frontc.interpreter.kernels.windows import geometry, pad_spatial, windows
from frontc.interpreter.registry import kernel


def _subscripts(n: int) -> tuple[str, str]:
    """einsum letters for ``n`` output and kernel axes, apart from n, g, c and m."""
    return "stuvwxyz"[:n], "STUVWXYZ"[:n]


def _optional(ins: list[Any], i: int) -> np.ndarray | None:
    return ins[i] if len(ins) > i else None


@kernel("Conv")
def conv(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, w = ins[0], ins[1]
    n = x.ndim - 2
    strides, dilations, pads = geometry(a, n)
    cols = windows(pad_spatial(x, pads[:n], pads[n:]), list(w.shape[2:]), strides, dilations)
    batch, channels, out = x.shape[0], x.shape[1], cols.shape[2:2 + n]
    group, filters = a["group"], w.shape[0]
    if group == 1:
        # im2col: (N * out, C * K) @ (C * K, M)
        order = (0, *range(2, 2 + n), 1, *range(2 + n, 2 + 2 * n))
        matrix = cols.transpose(order).reshape(-1, w[0].size)
        y = (matrix @ w.reshape(filters, -1).T).reshape(batch, *out, filters)
        y = np.moveaxis(y, -1, 1)
    else:
        o, k = _subscripts(n)
        grouped = cols.reshape(batch, group, channels // group, *out, *w.shape[2:])
        wg = w.reshape(group, filters // group, *w.shape[1:])
        y = np.einsum(f"ngc{o}{k},gmc{k}->ngm{o}", grouped, wg, optimize=True)
        y = y.reshape(batch, filters, *out)
    y = np.ascontiguousarray(y, dtype=x.dtype)
    bias, residual = _optional(ins, 2), _optional(ins, 3)
    if bias is not None:
        y += bias.reshape(-1, *[1] * n)
    if residual is not None:
        y += residual
    return fused_activation(y, a)


@kernel("ConvTranspose")
def conv_transpose(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, w = ins[0], ins[1]
    n = x.ndim - 2
    strides, dilations, pads = geometry(a, n)
    out_pad = a["output_padding"] or [0] * n
    group = a["group"]
    batch, channels, size = x.shape[0], x.shape[1], x.shape[2:]
    kernel_size = w.shape[2:]
    filters = w.shape[1] * group
    o, k = _subscripts(n)
    xg = x.reshape(batch, group, channels // group, *size)
    wg = w.reshape(group, channels // group, w.shape[1], *kernel_size)
    # contributions[n, g, m, *kernel, *in]: every input pixel times every kernel tap
    contrib = np.einsum(f"ngc{o},gcm{k}->ngm{k}{o}", xg, wg, optimize=True)
    full = [(size[i] - 1) * strides[i] + dilations[i] * (kernel_size[i] - 1) + 1 + out_pad[i]
            for i in range(n)]
    y = np.zeros((batch, group, w.shape[1], *full), dtype=x.dtype)
    for tap in np.ndindex(*kernel_size):
        target = tuple(slice(t * d, t * d + (s_in - 1) * s + 1, s)
                       for t, d, s, s_in in zip(tap, dilations, strides, size))
        y[(slice(None), slice(None), slice(None)) + target] += contrib[(slice(None),) * 3 + tap]
    crop = tuple(slice(pads[i], full[i] - pads[n + i]) for i in range(n))
    y = np.ascontiguousarray(y.reshape(batch, filters, *full)[(slice(None), slice(None)) + crop])
    bias = _optional(ins, 2)
    if bias is not None:
        y += bias.reshape(-1, *[1] * n)
    return fused_activation(y, a)
