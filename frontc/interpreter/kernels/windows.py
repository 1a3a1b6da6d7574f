"""Sliding windows over the spatial axes of NC... tensors, shared by conv and pooling."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from frontc.ir.ops.common import pads_for, spatial


def geometry(a: dict, n: int) -> tuple[list[int], list[int], list[int]]:
    """(strides, dilations, pads) of a window op with ``n`` spatial axes."""
    return (spatial(a["strides"], n, 1, "strides"), spatial(a.get("dilations", []), n, 1, "dilations"),
            pads_for(a["pads"], n))


def windows(x: np.ndarray, kernel: list[int], strides: list[int], dilations: list[int]) -> np.ndarray:
    """A view of shape (N, C, *out, *kernel) of the (already padded) input."""
    n = len(kernel)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
    view = sliding_window_view(x, spans, axis=tuple(range(2, 2 + n)))
    index = (slice(None), slice(None)) + tuple(slice(None, None, s) for s in strides) \
        + tuple(slice(None, None, d) for d in dilations)
    return view[index]


def pad_spatial(x: np.ndarray, begins: list[int], ends: list[int], value: float = 0.0) -> np.ndarray:
    if not any(begins) and not any(ends):
        return x
    return np.pad(x, [(0, 0), (0, 0)] + list(zip(begins, ends)), constant_values=value)
