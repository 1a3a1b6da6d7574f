"""Bitwise And/Or/Xor/Not, BitShift, IsNaN and IsInf."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel

_FUNCTIONS = {"BitwiseAnd": np.bitwise_and, "BitwiseOr": np.bitwise_or, "BitwiseXor": np.bitwise_xor}

for _op, _fn in _FUNCTIONS.items():
    kernel(_op)(lambda ins, a, fn=_fn: np.asarray(fn(ins[0], ins[1])))


@kernel("BitwiseNot")
def bitwise_not(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.asarray(np.invert(ins[0]))


@kernel("BitShift")
def bit_shift(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, y = ins
    shifted = np.left_shift(x, y) if a["direction"] == "LEFT" else np.right_shift(x, y)
    return np.asarray(shifted).astype(x.dtype, copy=False)


@kernel("IsNaN")
def is_nan(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.asarray(np.isnan(ins[0]))


@kernel("IsInf")
def is_inf(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    return np.asarray(np.isinf(x) & (((x < 0) & bool(a["detect_negative"])) | ((x > 0) & bool(a["detect_positive"]))))
