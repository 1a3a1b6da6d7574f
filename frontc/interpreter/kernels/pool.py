"""MaxPool, AvgPool and the global pools."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.kernels.windows import geometry, pad_spatial, windows
from frontc.interpreter.registry import kernel
from frontc.ir.ops.common import window_out


def _ceil_extra(x: np.ndarray, a: dict[str, Any], strides, dilations, pads) -> list[int]:
    """Extra end padding so that every output window (ceil mode) exists."""
    n = x.ndim - 2
    extra = []
    for i in range(n):
        k, s, d = a["kernel_shape"][i], strides[i], dilations[i]
        out = window_out(x.shape[2 + i], k, s, pads[i], pads[n + i], d, bool(a["ceil_mode"]))
        need = (out - 1) * s + d * (k - 1) + 1
        extra.append(max(0, need - (x.shape[2 + i] + pads[i] + pads[n + i])))
    return extra


def _axes(n: int) -> tuple[int, ...]:
    return tuple(range(-n, 0))


@kernel("MaxPool")
def max_pool(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    n = x.ndim - 2
    strides, dilations, pads = geometry(a, n)
    extra = _ceil_extra(x, a, strides, dilations, pads)
    low = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
    padded = pad_spatial(x, pads[:n], [p + e for p, e in zip(pads[n:], extra)], low)
    return windows(padded, a["kernel_shape"], strides, dilations).max(axis=_axes(n))


@kernel("AvgPool")
def avg_pool(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    n = x.ndim - 2
    strides, dilations, pads = geometry(a, n)
    extra = _ceil_extra(x, a, strides, dilations, pads)
    ends = [p + e for p, e in zip(pads[n:], extra)]
    total = windows(pad_spatial(x, pads[:n], ends), a["kernel_shape"], strides,
                    dilations).sum(axis=_axes(n))
    # the divisor counts real inputs, plus the explicit padding if count_include_pad
    ones = np.ones((1, 1, *x.shape[2:]), dtype=x.dtype)
    if a["count_include_pad"]:
        ones = pad_spatial(ones, pads[:n], pads[n:], 1.0)
        mask = pad_spatial(ones, [0] * n, extra)
    else:
        mask = pad_spatial(ones, pads[:n], ends)
    count = windows(mask, a["kernel_shape"], strides, dilations).sum(axis=_axes(n))
    return (total / count).astype(x.dtype, copy=False)


@kernel("GlobalAvgPool")
def global_avg_pool(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    return x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)


@kernel("GlobalMaxPool")
def global_max_pool(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    return x.max(axis=tuple(range(2, x.ndim)), keepdims=True)
