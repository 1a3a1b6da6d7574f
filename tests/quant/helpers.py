"""Test helpers: seeded inputs, a min/max calibration table (the streaming observer hook), frozen .pb runs."""
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


def run_frozen(frozen, x: np.ndarray, constant_folding: bool) -> np.ndarray:
    """The first output of a frozen .pb on ``x``, with grappler's constant folding on or off."""
    import tensorflow as tf
    before = tf.config.optimizer.get_experimental_options()
    tf.config.optimizer.set_experimental_options({"constant_folding": constant_folding})
    try:
        graph_def = tf.compat.v1.GraphDef.FromString(frozen.path.read_bytes())
        fn = tf.compat.v1.wrap_function(lambda: tf.graph_util.import_graph_def(graph_def, name=""), [])
        return fn.prune(frozen.inputs, frozen.outputs)(tf.constant(x))[0].numpy()
    finally:
        tf.config.optimizer.set_experimental_options(before)
