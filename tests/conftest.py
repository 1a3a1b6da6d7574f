"""Shared fixtures: small IR graphs built in code with seeded weights."""
from __future__ import annotations

import os

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


def _environment_kept():
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)


# Commands run in-process may set variables (frontc matrix/bench set OMP_NUM_THREADS and friends, also from
# module-scoped fixtures): every later test, and the subprocesses it starts, gets the environment it had.
restore_environment = pytest.fixture(autouse=True)(_environment_kept)
restore_module_environment = pytest.fixture(autouse=True, scope="module")(_environment_kept)
