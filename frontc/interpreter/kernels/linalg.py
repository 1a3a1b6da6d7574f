"""Einsum."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel
from frontc.ir.ops.linalg import parse_einsum


@kernel("Einsum")
def einsum(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    terms, rhs = parse_einsum(a["equation"], [x.ndim for x in ins])
    return np.asarray(np.einsum(f"{','.join(terms)}->{rhs}", *ins, optimize=len(ins) > 2))
