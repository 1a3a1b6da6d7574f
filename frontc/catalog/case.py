"""A catalog entry (what a model is and how to build it) and the Case it builds: a real source model,
a seeded input, and the source framework's own output on it."""
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


IMAGENET = "imagenet"  # label list names (see frontc.data)
FASHION_MNIST = "fashion_mnist"
SEEDED = {"input": "seeded uniform [-1, 1)", "layout": "NCHW"}  # random-weight models: no real preprocessing


@dataclass(frozen=True)
class ModelEntry:
    """One model of the catalog: how to build it (``build`` makes its Case), its input shape (IR layout),
    preprocessing, label list, domain and task. ``slow`` tells the tests (before building) to run it only in
    the slow suite. The registry fills in ``name`` and ``framework``."""

    slow: bool
    build: Callable[[], Case]
    input_shape: tuple[int, ...] = ()
    preprocessing: dict[str, Any] = field(default_factory=lambda: dict(SEEDED))
    labels: str | None = None
    domain: str = "vision"
    task: str = "classification"
    file: str | None = None
    name: str = ""
    framework: str = ""

    def __call__(self) -> Case:
        return self.build()


def seeded_input(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """A reproducible float32 input in [-1, 1)."""
    return np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(np.float32)
