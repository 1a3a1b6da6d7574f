"""Shared fixtures: small IR graphs built in code with seeded weights."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.testing.graphs import tiny_resnet


@pytest.fixture
def graph():
    """A small residual CNN in the IR (fresh for each test, so tests may mutate it)."""
    return tiny_resnet()


@pytest.fixture
def image():
    return np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
