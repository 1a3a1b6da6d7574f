"""A Case: a real source model, a seeded input, and the source framework's own output on it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Case:
    """What a frontend must reproduce.

    ``source`` is what ``frontc.load(source, framework, input_shapes)`` takes.
    ``feeds`` are in the IR's layout (NCHW) by IR input name; ``reference`` is
    the source framework's output on the same data, in the IR's layout.
    """

    framework: str
    model: str
    source: Any
    input_shapes: dict[str, tuple[int, ...]] | None
    feeds: dict[str, np.ndarray]
    reference: list[np.ndarray]
    slow: bool = False
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseFactory:
    """Builds a Case on demand; ``slow`` tells the tests (before building) to run it only in the slow suite."""

    slow: bool
    build: Callable[[], Case]

    def __call__(self) -> Case:
        return self.build()


def seeded_input(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """A reproducible float32 input in [-1, 1)."""
    return np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(np.float32)
