"""Comparisons, boolean logic and Where."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel

_FUNCTIONS = {"Equal": np.equal, "Less": np.less, "Greater": np.greater, "LessOrEqual": np.less_equal,
              "GreaterOrEqual": np.greater_equal, "And": np.logical_and, "Or": np.logical_or,
              "Xor": np.logical_xor}

for _op, _fn in _FUNCTIONS.items():
    kernel(_op)(lambda ins, a, fn=_fn: np.asarray(fn(ins[0], ins[1])))


@kernel("Not")
def not_(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.asarray(np.logical_not(ins[0]))


@kernel("Where")
def where(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    return np.asarray(np.where(*ins))
