"""Weight layouts: IR (channels-first, torch-like) <-> Keras, each conversion with its inverse.

Conv W (O, I/g, *k) <-> kernel (*k, I/g, O); depthwise W (C*m, 1, *k) <-> (*k, C, m);
ConvTranspose W (I, O/g, *k) <-> per group (*k, O/g, I/g); Dense W (out, in) <-> (in, out).
"""
from __future__ import annotations

import numpy as np


def _spatial(w: np.ndarray) -> list[int]:
    return list(range(2, w.ndim))


def conv_to_keras(w: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(w.transpose(*_spatial(w), 1, 0))


def conv_from_keras(kernel: np.ndarray) -> np.ndarray:
    n = kernel.ndim - 2
    return np.ascontiguousarray(kernel.transpose(n + 1, n, *range(n)))


def depthwise_to_keras(w: np.ndarray, channels: int) -> np.ndarray:
    """Output channel ``c * m + j`` of both uses ``W[c * m + j, 0] == kernel[..., c, j]``."""
    kernel = w.reshape(channels, w.shape[0] // channels, *w.shape[2:])
    return np.ascontiguousarray(kernel.transpose(*_spatial(kernel), 0, 1))


def depthwise_from_keras(kernel: np.ndarray) -> np.ndarray:
    n = kernel.ndim - 2
    c, m = kernel.shape[n:]
    return np.ascontiguousarray(kernel.transpose(n, n + 1, *range(n)).reshape(c * m, 1, *kernel.shape[:n]))


def conv_transpose_to_keras(w: np.ndarray, group: int) -> list[np.ndarray]:
    """One kernel per group: rows ``g * I/g .. (g+1) * I/g`` of W."""
    return [np.ascontiguousarray(part.transpose(*_spatial(part), 1, 0))
            for part in np.split(w, group, axis=0)]


def conv_transpose_from_keras(kernels: list[np.ndarray]) -> np.ndarray:
    n = kernels[0].ndim - 2
    return np.ascontiguousarray(np.concatenate([k.transpose(n + 1, n, *range(n)) for k in kernels]))


def dense_to_keras(w: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(w.T)


def dense_from_keras(kernel: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(kernel.T)


def dilate(kernel: np.ndarray, dilations: list[int]) -> np.ndarray:
    """A Keras kernel (spatial axes first) with ``d - 1`` zero taps between taps: dilation as
    kernel size, for layers that refuse strides and dilation together."""
    n = len(dilations)
    size = [d * (k - 1) + 1 for k, d in zip(kernel.shape[:n], dilations)]
    out = np.zeros((*size, *kernel.shape[n:]), dtype=kernel.dtype)
    out[tuple(slice(None, None, d) for d in dilations)] = kernel
    return out


def undilate(kernel: np.ndarray, dilations: list[int]) -> np.ndarray:
    return np.ascontiguousarray(kernel[tuple(slice(None, None, d) for d in dilations)])
