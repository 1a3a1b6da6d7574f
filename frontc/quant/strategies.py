"""Quantization strategies: how a calibrated range or a weight tensor becomes a TensorQuant.

``minmax``: asymmetric, unsigned ``b`` bits: lo = min(min, 0), hi = max(max, 0),
scale = (hi - lo) / (2**b - 1), zero_point = round(-lo / scale) (clamped to [0, 2**b - 1]).
``symmetry_max``: symmetric, signed narrow range [-(2**(b-1) - 1), 2**(b-1) - 1], zero point 0,
scale = t / (2**(b-1) - 1) with t the calibrated threshold (or max(|min|, |max|)).
``scale_shift``: as symmetry_max with the scale rounded up to a power of two, 2**ceil(log2(scale)).
The ``_t`` strategies use the scales of their base strategy and execute in integers.
Scales are rounded to float32 values, so every runtime sees the same numbers.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from frontc.ir.errors import OptionError
from frontc.quant.annotations import TensorQuant

STRATEGIES = ("null", "minmax", "scale_shift", "symmetry_max", "symmetry_max_t", "scale_shift_t")
GRANULARITIES = ("perlayer", "perchannel")
WEIGHT_BITS = range(2, 17)
ACT_BITS = (8, 16)


def base_strategy(strategy: str) -> str:
    """The scale rule of ``strategy`` (``symmetry_max_t`` -> ``symmetry_max``)."""
    return strategy[:-2] if strategy.endswith("_t") else strategy


def check_options(strategy: str, weight_quan: str, weight_bits: int, act_bits: int) -> None:
    """OptionError naming the bad option and the allowed values."""
    if strategy not in STRATEGIES:
        raise OptionError(f"unknown quantization strategy '{strategy}'", hint=f"choose one of {list(STRATEGIES)}")
    if weight_quan not in GRANULARITIES:
        raise OptionError(f"unknown weight_quan '{weight_quan}'", hint=f"choose one of {list(GRANULARITIES)}")
    if weight_bits not in WEIGHT_BITS:
        raise OptionError(f"weight_bits {weight_bits} is not supported", hint="use 2 to 16")
    if act_bits not in ACT_BITS:
        raise OptionError(f"act_bits {act_bits} is not supported", hint="use 8 or 16")


def _f32(value: np.ndarray | float) -> np.ndarray | float:
    out = np.asarray(value, np.float32).astype(np.float64)
    return out if out.ndim else float(out)


def _pow2(scale: np.ndarray) -> np.ndarray:
    return np.exp2(np.ceil(np.log2(scale)))


def symmetric(threshold: np.ndarray | float, bits: int, power_of_two: bool,
              axis: int | None = None) -> TensorQuant:
    """Signed narrow-range quantization of values within [-threshold, threshold]."""
    qmax = (1 << (bits - 1)) - 1
    t = np.asarray(threshold, np.float64)
    if not np.all(np.isfinite(t)):
        raise OptionError(f"a calibrated range is not finite ({t.ravel()[:3].tolist()})",
                          hint="recalibrate on finite data")
    scale = np.where(t > 0, t / qmax, 1.0 / qmax)  # an all-zero tensor: any positive scale represents it
    if power_of_two:
        scale = _pow2(scale)
    zp = np.zeros(scale.shape, np.int64) if scale.ndim else 0
    return TensorQuant(_f32(scale), zp, bits, True, True, axis if scale.ndim else None)


def affine(lo: np.ndarray | float, hi: np.ndarray | float, bits: int, axis: int | None = None) -> TensorQuant:
    """Unsigned asymmetric quantization of [lo, hi] (widened to hold 0), TF-style nudged zero point."""
    qmax = (1 << bits) - 1
    lo = np.minimum(np.asarray(lo, np.float64), 0.0)
    hi = np.maximum(np.asarray(hi, np.float64), 0.0)
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise OptionError("a calibrated range is not finite", hint="recalibrate on finite data")
    scale = np.asarray(_f32(np.where(hi > lo, (hi - lo) / qmax, 1.0 / qmax)))
    zp = np.clip(np.floor(-lo / scale + 0.5), 0, qmax).astype(np.int64)
    if scale.ndim:
        return TensorQuant(scale, zp, bits, False, False, axis)
    return TensorQuant(float(scale), int(zp), bits, False, False)


def activation(strategy: str, entry: Mapping[str, float], bits: int) -> TensorQuant:
    """The quantization of an activation from its calibration-table entry."""
    base = base_strategy(strategy)
    if base == "minmax":
        return affine(entry["min"], entry["max"], bits)
    threshold = entry.get("threshold")
    if threshold is None:
        threshold = max(abs(float(entry["min"])), abs(float(entry["max"])))
    return symmetric(float(threshold), bits, power_of_two=base == "scale_shift")


def weight(strategy: str, w: np.ndarray, bits: int, axis: int | None) -> TensorQuant:
    """The quantization of a weight tensor, per layer (``axis`` None) or per channel along ``axis``."""
    base = base_strategy(strategy)
    w = np.asarray(w, np.float64)
    reduce = tuple(i for i in range(w.ndim) if i != axis) if axis is not None else None
    if base == "minmax":
        return affine(w.min(axis=reduce), w.max(axis=reduce), bits, axis)
    return symmetric(np.abs(w).max(axis=reduce), bits, power_of_two=base == "scale_shift", axis=axis)


def bias_safe(wq: TensorQuant, b: np.ndarray, input_scale: float, strategy: str, groups: int = 1) -> TensorQuant:
    """``wq`` with each channel's scale raised (if needed) so that round(b / (s_x s_w)) fits int32
    with room for the products: a channel of near-zero weights with a bias (common after BatchNorm
    folding) keeps its bias. A larger scale with the same zero point still covers the weights.
    ``groups``: each per-channel scale serves that many output channels (a grouped ConvTranspose)."""
    need = np.abs(np.asarray(b, np.float64)) / (input_scale * (2**31 - 2**24))
    if wq.axis is not None and groups > 1:
        need = need.reshape(groups, -1).max(axis=0)
    scale = np.maximum(np.asarray(wq.scale, np.float64), need if wq.axis is not None else need.max(initial=0))
    if np.array_equal(scale, np.asarray(wq.scale, np.float64)):
        return wq
    if base_strategy(strategy) == "scale_shift":
        scale = _pow2(scale)
    return TensorQuant(_f32(scale), wq.zero_point, wq.bits, wq.signed, wq.narrow, wq.axis)


def bias(input_scale: float, weight_scale: np.ndarray | float) -> TensorQuant:
    """int32 bias at the accumulator's scale s_x * s_w (per channel when the weights are)."""
    scale = _f32(np.asarray(weight_scale, np.float64) * input_scale)
    axis = 0 if np.ndim(scale) else None
    zp = np.zeros(np.shape(scale), np.int64) if axis is not None else 0
    return TensorQuant(scale, zp, 32, True, False, axis)


def pre_activation(out: TensorQuant, power_of_two: bool, negative_gain: float = 1.0,
                   bits: int = 16) -> TensorQuant:
    """The int16 tensor a table activation reads: symmetric over [-R, R], R = max(16, 2 x the output's
    reach x ``negative_gain``) (LeakyRelu's negative inputs reach out_min / alpha)."""
    reach = float(np.max(out.scale)) * max(abs(out.qmin - int(np.max(out.zero_point))), out.qmax)
    return symmetric(max(16.0, 2.0 * reach * negative_gain), bits, power_of_two)
