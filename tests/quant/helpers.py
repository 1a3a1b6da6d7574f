"""A min/max calibration table of a graph on seeded inputs (the streaming observer hook)."""
from __future__ import annotations

import numpy as np

from frontc.interpreter import run
from frontc.ir.graph import Graph


def random_inputs(graph: Graph, count: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    shape = graph.inputs[0].shape
    return [rng.standard_normal(shape).astype(np.float32) for _ in range(count)]


def minmax_table(graph: Graph, inputs: list[np.ndarray]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}

    def observe(node, values) -> None:
        for name, value in values.items():
            entry = table.setdefault(name, {"min": np.inf, "max": -np.inf})
            entry["min"] = min(entry["min"], float(value.min()))
            entry["max"] = max(entry["max"], float(value.max()))

    for x in inputs:
        run(graph, x, observer=observe)
    return table
