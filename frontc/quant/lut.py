"""Lookup tables of the integer path: one entry per input integer.

An activation table maps every input code q in [qmin, qmax] of its input (255 entries for
narrow-range int8, 65535 for narrow-range int16, the width fused activations read) to
``clip(round(f(q * s_in) / s_out) + zp_out)``; ``f`` is evaluated in float32, as the float
kernels do. The Softmax table holds ``round(exp(-d * s_in) * 2**20)`` for d = 0 .. qmax - qmin
(255 entries for int8 inputs); see ``frontc.quant.integer.softmax``.
"""
from __future__ import annotations

import numpy as np

from frontc.interpreter.kernels.elementwise import fused_activation
from frontc.quant.annotations import TensorQuant
from frontc.quant.fixed_point import round_half_up

EXP_BITS = 20


def activation_table(act: str, params: list[float], source: TensorQuant, target: TensorQuant) -> dict:
    """The table of activation ``act`` (with its ``params``) from ``source`` codes to ``target`` codes."""
    codes = np.arange(source.qmin, source.qmax + 1, dtype=np.int64)
    x = ((codes - int(source.zero_point)) * np.float32(source.scale)).astype(np.float32)
    y = fused_activation(x, {"activation": act, "activation_params": list(params)})
    q = round_half_up(y / np.float32(target.scale)).astype(np.int64) + int(target.zero_point)
    return {"table": np.clip(q, target.qmin, target.qmax).astype(np.int64), "offset": -source.qmin}


def exp_table(source: TensorQuant) -> dict:
    """round(exp(-d * s_in) * 2**EXP_BITS) for every difference d from the row maximum."""
    d = np.arange(0, source.qmax - source.qmin + 1, dtype=np.float64)
    table = np.floor(np.exp(-d * float(source.scale)) * (1 << EXP_BITS) + 0.5).astype(np.int64)
    return {"table": table, "offset": 0}


def lookup(q: np.ndarray, lut: dict) -> np.ndarray:
    """table[q + offset] for an integer array ``q``."""
    return np.asarray(lut["table"])[q.astype(np.int64) + int(lut["offset"])]
