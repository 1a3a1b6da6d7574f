"""LayerNorm, GroupNorm, InstanceNorm: statistics in the input's dtype, as ONNX Runtime computes them."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel


def normalize(x: np.ndarray, axes: tuple[int, ...], epsilon: float) -> np.ndarray:
    """(x - mean) / sqrt(var + eps) over ``axes`` (biased variance)."""
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)
    return centered / np.sqrt(var + x.dtype.type(epsilon))


def _per_channel(v: np.ndarray, rank: int) -> np.ndarray:
    return v.reshape(-1, *[1] * (rank - 2))


@kernel("LayerNorm")
def layer_norm(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, scale = ins[0], ins[1]
    axis = a["axis"] % x.ndim
    y = normalize(x, tuple(range(axis, x.ndim)), a["epsilon"]) * scale
    if len(ins) > 2 and ins[2] is not None:
        y = y + ins[2]
    return y.astype(x.dtype, copy=False)


@kernel("GroupNorm")
def group_norm(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, scale, bias = ins
    n, c = x.shape[:2]
    grouped = x.reshape(n, a["num_groups"], -1)
    y = normalize(grouped, (2,), a["epsilon"]).reshape(x.shape)
    return (y * _per_channel(scale, x.ndim) + _per_channel(bias, x.ndim)).astype(x.dtype, copy=False)


@kernel("InstanceNorm")
def instance_norm(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, scale, bias = ins
    y = normalize(x, tuple(range(2, x.ndim)), a["epsilon"])
    return (y * _per_channel(scale, x.ndim) + _per_channel(bias, x.ndim)).astype(x.dtype, copy=False)
