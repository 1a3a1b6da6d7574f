"""Single-node IR graphs built in code, and the check that their Keras reconstruction computes
what the IR interpreter (the oracle) computes."""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from frontc.backends.tf import run_keras, to_keras
from frontc.frontends.builder import GraphBuilder
from frontc.interpreter import run
from frontc.ir import Graph

ELEMENTWISE_TOL = 1e-6  # max|diff| <= 1e-6 * max(1, max|ref|)
LINEAR_TOL = 1e-5  # conv / matmul: max|diff| <= 1e-5 * max|ref|

Spec = tuple[int, ...] | np.ndarray | None

# largest relative error seen per test module, printed at the end of the session (conftest)
WORST: dict[str, float] = {}


def randn(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def single(op: str, ins: Sequence[Spec], attrs: dict[str, Any] | None = None, *, outputs: int = 1,
           dtype: str = "float32") -> Graph:
    """A one-node graph: a shape is a graph input, an array a param, None an omitted input."""
    b = GraphBuilder(op.lower(), "test")
    names = []
    for i, spec in enumerate(ins):
        if spec is None:
            names.append("")
        elif isinstance(spec, np.ndarray):
            names.append(b.param(f"p{i}", spec, dtype=str(spec.dtype)))
        else:
            names.append(b.input(f"x{i}", spec, dtype))
    return b.finish(b.add(op, names, attrs, name=op.lower(), outputs=outputs))


def feeds_for(graph: Graph, seed: int = 1, low: float = -2.0, high: float = 2.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for spec in graph.inputs:
        if np.dtype(spec.dtype).kind in "iu":
            out[spec.name] = rng.integers(-3, 4, spec.shape).astype(spec.dtype)
        else:
            out[spec.name] = rng.uniform(low, high, spec.shape).astype(spec.dtype)
    return out


def max_error(actual: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """(max |diff|, max |ref|)."""
    assert actual.shape == reference.shape, f"shape {actual.shape} != {reference.shape}"
    assert actual.dtype == reference.dtype, f"dtype {actual.dtype} != {reference.dtype}"
    if not reference.size:
        return 0.0, 0.0
    diff = np.abs(actual.astype(np.float64) - reference.astype(np.float64))
    return float(diff.max()), float(np.abs(reference).max())


def check(graph: Graph, feeds: dict[str, np.ndarray] | None = None, *, linear: bool = False,
          channels_last_io: bool = False, trace: bool = False) -> float:
    """Rebuild ``graph`` in Keras, run both on ``feeds`` and assert every output (every tensor
    with ``trace``) is within tolerance; returns the largest relative error seen."""
    feeds = feeds if feeds is not None else feeds_for(graph)
    model = to_keras(graph, channels_last_io=channels_last_io)
    reference = run(graph, feeds, trace=trace)
    actual = run_keras(model, feeds, trace=trace)
    assert set(actual) == set(reference)
    worst = 0.0
    for name, ref in reference.items():
        err, scale = max_error(actual[name], ref)
        bound = LINEAR_TOL * scale if linear else ELEMENTWISE_TOL * max(1.0, scale)
        assert err <= bound, f"{name}: max |diff| {err:.3e} > {bound:.3e} (max |ref| {scale:.3g})"
        worst = max(worst, err / max(scale, 1e-30) if linear else err / max(1.0, scale))
    module = os.environ.get("PYTEST_CURRENT_TEST", "?::").split("::")[0]
    WORST[module] = max(WORST.get(module, 0.0), worst)
    return worst


def layer_classes(model: Any) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]
