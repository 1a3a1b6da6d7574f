"""Test helpers: seeded inputs, a min/max calibration table (frontc.quant.calibrate), frozen .pb runs."""
from __future__ import annotations

import numpy as np

from frontc.datasets.images import MemoryInputs
from frontc.ir.graph import Graph
from frontc.quant.calibrate import calibrate


def random_inputs(graph: Graph, count: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    shape = graph.inputs[0].shape
    return [rng.standard_normal(shape).astype(np.float32) for _ in range(count)]


def minmax_table(graph: Graph, inputs: list[np.ndarray]) -> dict[str, dict[str, float]]:
    """The min/max calibration table of ``graph`` over ``inputs`` (each a full batch), by frontc.quant.calibrate
    on the numpy interpreter in chunks of the graph's own batch."""
    table, _ = calibrate(graph, MemoryInputs(inputs), "minmax", chunk=graph.inputs[0].shape[0], backend="numpy",
                         progress=False)
    return {name: {"min": r.min, "max": r.max, "threshold": r.threshold} for name, r in table.tensors.items()}


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
