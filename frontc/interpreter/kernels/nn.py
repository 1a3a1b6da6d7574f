"""BatchNorm, Dense, Gemm, MatMul and LRN."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.kernels.elementwise import fused_activation
from frontc.interpreter.registry import kernel


def _channel(v: np.ndarray, rank: int) -> np.ndarray:
    return v.reshape(-1, *[1] * (rank - 2))


@kernel("BatchNorm")
def batch_norm(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, scale, bias, mean, var = ins
    inv = scale / np.sqrt(var + np.asarray(a["epsilon"], dtype=var.dtype))
    y = (x - _channel(mean, x.ndim)) * _channel(inv, x.ndim) + _channel(bias, x.ndim)
    return y.astype(x.dtype, copy=False)


@kernel("Dense")
def dense(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, w = ins[0], ins[1]
    y = x @ w.T
    if len(ins) > 2 and ins[2] is not None:
        y = y + ins[2]
    return fused_activation(y.astype(x.dtype, copy=False), a)


@kernel("Gemm")
def gemm(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, w = ins[0], ins[1]
    x = x.T if a["transA"] else x
    w = w.T if a["transB"] else w
    y = x @ w
    if a["alpha"] != 1.0:
        y = y * x.dtype.type(a["alpha"])
    if len(ins) > 2 and ins[2] is not None:
        y = y + ins[2] * x.dtype.type(a["beta"])
    return y.astype(x.dtype, copy=False)


@kernel("MatMul")
def matmul(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.asarray(np.matmul(ins[0], ins[1]))  # 1-d @ 1-d gives a numpy scalar


@kernel("LRN")
def lrn(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    size = a["size"]
    before, after = (size - 1) // 2, size - 1 - (size - 1) // 2
    square = np.pad(x * x, [(0, 0), (before, after)] + [(0, 0)] * (x.ndim - 2))
    total = sum(square[:, i:i + x.shape[1]] for i in range(size))
    return (x / (a["bias"] + a["alpha"] / size * total) ** a["beta"]).astype(x.dtype, copy=False)
