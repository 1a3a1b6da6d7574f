"""The static activation arena: every tensor gets an offset, tensors alive at once never overlap.

A tensor is alive from the node that writes it to the last node that reads it (graph outputs
to the end). Offsets are chosen greedily, largest tensor first, at the lowest offset that does
not overlap a tensor alive at the same time (the usual interval-packing heuristic).
"""
from __future__ import annotations

from dataclasses import dataclass

ALIGN = 64


@dataclass(frozen=True)
class ArenaPlan:
    """Byte offsets of the planned tensors, the arena's size and the size without reuse."""

    offsets: dict[str, int]
    peak: int
    naive: int

    @property
    def saving(self) -> float:
        """The share of the naive arena (one buffer per tensor) the plan saves."""
        return 1.0 - self.peak / self.naive if self.naive else 0.0


def _aligned(size: int) -> int:
    return (size + ALIGN - 1) // ALIGN * ALIGN


def plan_arena(sizes: dict[str, int], lifetimes: dict[str, tuple[int, int]]) -> ArenaPlan:
    """Offsets for tensors of ``sizes`` bytes alive over the closed step ranges ``lifetimes``."""
    placed: list[tuple[int, int, int, int]] = []  # (offset, end, first, last)
    offsets: dict[str, int] = {}
    for name in sorted(sizes, key=lambda t: (-sizes[t], lifetimes[t][0], t)):
        size, (first, last) = _aligned(sizes[name]), lifetimes[name]
        busy = sorted((o, e) for o, e, f, la in placed if f <= last and first <= la)
        offset = 0
        for start, end in busy:
            if offset + size <= start:
                break
            offset = max(offset, end)
        offsets[name] = offset
        placed.append((offset, offset + size, first, last))
    peak = max((e for _, e, _, _ in placed), default=0)
    return ArenaPlan(offsets, peak, sum(_aligned(s) for s in sizes.values()))
