"""DynamicQuantizeLinear, MatMulInteger, ConvInteger, QuantizeLinear and DequantizeLinear, bit-exact to
the ONNX specs (and ONNX Runtime)."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.kernels.conv import conv
from frontc.interpreter.registry import kernel


@kernel("DynamicQuantizeLinear")
def dynamic_quantize_linear(ins: list[Any], a: dict[str, Any]) -> list[np.ndarray]:
    """uint8 quantization over [min(0, min x), max(0, max x)], every step in float32, round half to even."""
    x = np.asarray(ins[0], np.float32)
    low = np.minimum(np.float32(0), x.min(initial=np.float32(0)))
    high = np.maximum(np.float32(0), x.max(initial=np.float32(0)))
    # ONNX Runtime takes scale 1 for an all-zero input (the spec's formula would divide by 0)
    scale = np.float32(1) if high == low else np.float32((high - low) / np.float32(255))
    zero = np.rint(np.clip(np.float32(0) - low / scale, np.float32(0), np.float32(255)))
    y = np.clip(np.rint(x / scale) + zero, np.float32(0), np.float32(255))
    return [y.astype(np.uint8), np.asarray(scale, np.float32), np.asarray(zero, np.uint8)]


def _centered(ins: list[Any], i: int, axis: int) -> np.ndarray:
    """int32 operand ``i`` minus its zero point (input ``i + 2``); a 1-d zero point runs along ``axis``."""
    value = np.asarray(ins[i]).astype(np.int32)
    zp = ins[i + 2] if len(ins) > i + 2 else None
    if zp is None:
        return value
    zp = np.asarray(zp).astype(np.int32)
    if zp.size == 1:
        return value - zp.reshape(())
    if zp.ndim == 1:
        shape = [1] * value.ndim
        shape[axis] = -1
        zp = zp.reshape(shape)
    return value - zp


@kernel("MatMulInteger")
def matmul_integer(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    """A's 1-d zero point is per row, B's per column."""
    return np.asarray(np.matmul(_centered(ins, 0, -2), _centered(ins, 1, -1)), np.int32)


@kernel("ConvInteger")
def conv_integer(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    """Zero padding after subtracting x's zero point equals ONNX's padding with the zero point."""
    return np.asarray(conv([_centered(ins, 0, 0), _centered(ins, 1, 0)], a), np.int32)


def _along(value: Any, x: np.ndarray, a: dict[str, Any]) -> np.ndarray:
    """A scale or zero point broadcastable to x: per tensor, per ``axis`` or repeated over its blocks."""
    value = np.asarray(value)
    if value.size == 1:
        return value.reshape(())
    axis = a["axis"] % x.ndim
    if a["block_size"] > 0:
        return np.repeat(value, a["block_size"], axis=axis).take(range(x.shape[axis]), axis=axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    return value.reshape(shape)


@kernel("QuantizeLinear")
def quantize_linear(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    """x / scale in float32, round half to even, plus the zero point, saturated to the output dtype."""
    x = np.asarray(ins[0], np.float32)
    zp = ins[2] if len(ins) > 2 else None
    dtype = np.dtype(a["dtype"] if zp is None else np.asarray(zp).dtype)
    info = np.iinfo(dtype)
    y = np.rint(x / _along(ins[1], x, a).astype(np.float32)).astype(np.float64)
    if zp is not None:
        y = y + _along(zp, x, a).astype(np.float64)
    return np.clip(y, info.min, info.max).astype(dtype)


@kernel("DequantizeLinear")
def dequantize_linear(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    """(x - zero point) exactly in int64, then float32 times the scale."""
    x = np.asarray(ins[0])
    centered = x.astype(np.int64)
    if len(ins) > 2 and ins[2] is not None:
        centered = centered - _along(ins[2], x, a).astype(np.int64)
    return (centered.astype(np.float32) * _along(ins[1], x, a).astype(np.float32)).astype(np.float32)
