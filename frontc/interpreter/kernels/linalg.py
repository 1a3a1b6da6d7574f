"""Einsum and Attention."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.kernels.elementwise import softmax
from frontc.interpreter.registry import kernel
from frontc.ir.ops.linalg import parse_einsum


@kernel("Einsum")
def einsum(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    terms, rhs = parse_einsum(a["equation"], [x.ndim for x in ins])
    return np.asarray(np.einsum(f"{','.join(terms)}->{rhs}", *ins, optimize=len(ins) > 2))


@kernel("Attention")
def attention(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    q, k, v = ins[:3]
    scale = a["scale"] or 1.0 / np.sqrt(q.shape[-1])
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) * q.dtype.type(scale)
    if len(ins) > 3 and ins[3] is not None:
        scores = scores + ins[3]
    return np.matmul(softmax([scores], {"axis": -1}), v).astype(q.dtype, copy=False)


@kernel("Det")
def det(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    return np.asarray(np.linalg.det(x.astype(np.float64))).astype(x.dtype)
