"""The rounding rule and fixed-point requantization shared by every quantized path.

Rounding: ``round(v) = floor(v + 1/2)`` (half up, toward +inf). In integers, dividing by
``2**n`` with that rule is ``(v + 2**(n-1)) >> n`` (arithmetic shift). Saturation clamps
to the target's [qmin, qmax]. A real multiplier ``M > 0`` is ``m * 2**-n`` with an integer
``m`` of at most ``bits`` bits; powers of two are stored as ``m = 1`` (a pure shift).
"""
from __future__ import annotations

import math

import numpy as np


def round_half_up(v: np.ndarray) -> np.ndarray:
    """floor(v + 1/2), in v's floating dtype."""
    return np.floor(v + v.dtype.type(0.5)) if isinstance(v, np.ndarray) else np.floor(v + 0.5)


def quantize_multiplier(real: float, bits: int = 31) -> tuple[int, int]:
    """(m, n) with m * 2**-n == real to ``bits`` significant bits; m = 1 for a power of two."""
    if not (real > 0 and math.isfinite(real)):
        raise ValueError(f"requantization multiplier must be positive and finite, got {real}")
    mantissa, exponent = math.frexp(real)  # real = mantissa * 2**exponent, mantissa in [0.5, 1)
    if mantissa == 0.5:
        return 1, 1 - exponent
    m = int(math.floor(mantissa * (1 << bits) + 0.5))
    n = bits - exponent
    if m == 1 << bits:  # rounding carried into the next power of two
        m, n = m >> 1, n - 1
    return m, n


def multipliers(reals: np.ndarray | float, bits: int = 31) -> dict[str, int | np.ndarray]:
    """``quantize_multiplier`` of a scalar or of each element, as an annotation's REQUANT dict."""
    if np.ndim(reals) == 0:
        m, n = quantize_multiplier(float(reals), bits)
        return {"multiplier": m, "shift": n}
    pairs = [quantize_multiplier(float(r), bits) for r in np.ravel(reals)]
    return {"multiplier": np.array([p[0] for p in pairs], np.int64),
            "shift": np.array([p[1] for p in pairs], np.int64)}


def signed_multipliers(reals: np.ndarray | float, bits: int = 31) -> dict[str, int | np.ndarray]:
    """Like ``multipliers`` for reals of any sign and shape (zero gives m = 0): m * 2**-n == real per
    element, the arrays shaped as ``reals`` so that they broadcast against a tensor."""
    reals = np.asarray(reals, np.float64)
    pairs = [quantize_multiplier(abs(float(r)), bits) if r else (0, 0) for r in reals.ravel()]
    m = np.array([p[0] for p in pairs], np.int64).reshape(reals.shape) * np.sign(reals).astype(np.int64)
    n = np.array([p[1] for p in pairs], np.int64).reshape(reals.shape)
    return {"multiplier": int(m), "shift": int(n)} if reals.ndim == 0 else {"multiplier": m, "shift": n}


def joint_multipliers(reals: list[np.ndarray | float], bits: int = 31) -> list[dict[str, int | np.ndarray]]:
    """Multipliers of several terms summed before ONE rounding: they share the shift, chosen so that
    the largest multiplier (in magnitude; a negative real gives a negative m) has ``bits`` bits (a power
    of two stays an exact power of two)."""
    largest = np.max(np.abs(np.stack(np.broadcast_arrays(*[np.asarray(r, np.float64) for r in reals]))), axis=0)
    shift = bits - np.frexp(largest)[1]
    out = []
    for real in reals:
        m = np.floor(np.asarray(real, np.float64) * np.exp2(shift) + 0.5).astype(np.int64)
        if np.ndim(m) == 0:
            out.append({"multiplier": int(m), "shift": int(shift)})
        else:
            out.append({"multiplier": m, "shift": np.broadcast_to(shift, m.shape).astype(np.int64)})
    return out


def requantize(acc: np.ndarray, requant: dict, axis: int | None = None,
               more: list[tuple[np.ndarray, dict]] = (), offset: np.ndarray | int = 0) -> np.ndarray:
    """round((acc * m [+ other * m_other ...] + offset) / 2**n) in int64 by the rounding rule (``more``
    terms share the shift n, see ``joint_multipliers``; ``offset`` is an integer at scale 2**-max(n, 0));
    per-channel m, n along ``axis``, or arrays that broadcast (axis None)."""
    m, n = _along(requant["multiplier"], acc.ndim, axis), _along(requant["shift"], acc.ndim, axis)
    value = acc.astype(np.int64) * m
    for other, rq in more:
        value = value + other.astype(np.int64) * _along(rq["multiplier"], acc.ndim, axis)
    left = np.maximum(-n, 0)
    right = np.maximum(n, 0)
    value = np.left_shift(value, left) + np.asarray(offset, np.int64)
    half = np.where(right > 0, np.left_shift(np.int64(1), np.maximum(right - 1, 0)), 0)
    return np.right_shift(value + half, right)


def _along(value: np.ndarray | int, rank: int, axis: int | None) -> np.ndarray:
    value = np.asarray(value, np.int64)
    if value.ndim and axis is not None:
        shape = [1] * rank
        shape[axis] = -1
        value = value.reshape(shape)
    return value


def saturate(value: np.ndarray, qmin: int, qmax: int, dtype: str) -> np.ndarray:
    """Clamp to [qmin, qmax] and store as ``dtype``."""
    return np.clip(value, qmin, qmax).astype(dtype)


def divide_round(num: np.ndarray, den: np.ndarray | int) -> np.ndarray:
    """round(num / den) for integers, den > 0, by the rounding rule: floor((2 num + den) / (2 den))."""
    num = np.asarray(num, np.int64)
    return np.floor_divide(2 * num + den, 2 * np.asarray(den, np.int64))
