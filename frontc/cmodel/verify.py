"""Bit-exactness: every integer of every traced tensor, C model against the numpy ``*_t`` path."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mismatch:
    """One tensor that differs: how many integers, the largest difference, the first differing index."""

    tensor: str
    count: int
    max_diff: int
    first: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.tensor}: {self.count} integers differ (largest by {self.max_diff}, first at {self.first})"


def mismatches(expected: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> list[Mismatch]:
    """Every tensor of ``expected`` that ``got`` lacks or holds with another dtype, shape or value."""
    out = []
    for name, want in expected.items():
        have = got.get(name)
        if have is None or have.dtype != want.dtype or have.shape != want.shape:
            detail = "missing" if have is None else f"{have.dtype}{list(have.shape)}"
            out.append(Mismatch(f"{name} ({detail}, expected {want.dtype}{list(want.shape)})", want.size, -1, ()))
            continue
        differ = want != have
        if np.any(differ):
            diff = np.abs(want.astype(np.float64) - have.astype(np.float64))
            first = tuple(int(i) for i in np.argwhere(differ)[0])
            out.append(Mismatch(name, int(differ.sum()), int(diff.max()), first))
    return out
