"""Convert Keras models (as objects and as frozen GraphDefs) and compare the IR interpreter
with Keras' own output, feeding and reading 4-D tensors as NCHW."""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import frontc  # noqa: E402
from frontc.analysis.distance import Distance, distance  # noqa: E402
from frontc.catalog.case import seeded_input  # noqa: E402
from frontc.catalog.keras_cases import nchw, reference  # noqa: E402
from frontc.ir.graph import Graph  # noqa: E402

REL_TOL = 1e-5


def input_name(model: Any) -> str:
    return model.inputs[0]._keras_history.operation.name


def frozen(model: Any, shape: Sequence[int]) -> Any:
    """``model(x, training=False)`` as a concrete tf.function with input ``shape`` (NHWC)."""
    import tensorflow as tf

    spec = tf.TensorSpec((None, *shape[1:]), tf.float32, name=input_name(model))
    return tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)


def assert_close(graph: Graph, feeds: dict[str, np.ndarray], refs: list[np.ndarray]) -> list[Distance]:
    """Run ``graph`` and check every output against the reference at REL_TOL, top-1 equal."""
    outputs = frontc.run(graph, feeds)
    assert len(graph.outputs) == len(refs)
    found = []
    for name, ref in zip(graph.outputs, refs):
        d = distance(outputs[name], ref)
        assert outputs[name].shape == ref.shape
        assert d.max_abs <= REL_TOL * max(d.max_ref, 1e-30), f"{graph.name}:{name}: {d}"
        assert d.top1 in (None, 1.0), f"{graph.name}:{name}: {d}"
        found.append(d)
    return found


def check(model: Any, shape: Sequence[int], *, paths: Sequence[str] = ("keras", "graphdef"),
          seed: int = 0) -> dict[str, Graph]:
    """Convert ``model`` along each path and compare with Keras on a seeded NHWC input."""
    x = seeded_input(tuple(shape), seed)
    refs = reference(model, [x])
    name = input_name(model)
    graphs = {}
    for path in paths:
        source = model if path == "keras" else frozen(model, shape)
        graph = frontc.load(source, "tf", input_shapes={name: tuple(shape)})
        assert graph.inputs[0].shape == tuple(nchw(x).shape)
        assert_close(graph, {graph.inputs[0].name: nchw(x)}, refs)
        graphs[path] = graph
    return graphs
