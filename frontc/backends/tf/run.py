"""``run_keras``: execute a ``to_keras`` model on IR feeds; outputs (or every tensor) by IR name,
in the IR layout."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from frontc.backends.tf import layout
from frontc.backends.tf.model import KerasBuild, keras_build
from frontc.interpreter import check_feeds


def _trace_model(build: KerasBuild, model: keras.Model) -> tuple[keras.Model, dict[str, int]]:
    """A model with one output per distinct Keras tensor of the IR tensors, and where each is."""
    if build.trace_model is None:
        tensors, index, where = [], {}, {}
        for name, held in build.tensors.items():
            key = id(held.tensor)
            if key not in index:
                index[key] = len(tensors)
                tensors.append(held.tensor)
            where[name] = index[key]
        inputs = model.inputs if len(model.inputs) > 1 else model.inputs[0]
        build.trace_model = keras.Model(inputs, tensors, name=f"{model.name}_trace")
        build.trace_index = where
    return build.trace_model, build.trace_index


def run_keras(model: keras.Model, feeds: Mapping[str, Any] | np.ndarray, *,
              trace: bool = False) -> dict[str, np.ndarray]:
    """Run ``model`` (built by ``to_keras``) on ``feeds`` given in the IR layout, by IR input name.

    Returns the graph outputs by IR name; with ``trace`` every IR tensor (inputs and node
    outputs) instead. 4-D results are NCHW, as in the IR.
    """
    build = keras_build(model)
    graph = build.graph
    arrays = check_feeds(graph, feeds)
    edge = [build.channels_last_io and len(spec.shape) == 4 for spec in graph.inputs]
    xs = [arrays[spec.name].transpose(layout.NCHW_TO_NHWC) if nhwc else arrays[spec.name]
          for spec, nhwc in zip(graph.inputs, edge)]
    args = xs if len(xs) > 1 else xs[0]
    if trace:
        runner, where = _trace_model(build, model)
        values = [np.asarray(v) for v in _as_list(runner(args, training=False))]
        return {name: _logical(values[where[name]], build.tensors[name].nhwc) for name in where}
    values = [np.asarray(v) for v in _as_list(model(args, training=False))]
    return {name: _logical(value, build.channels_last_io and value.ndim == 4)
            for name, value in zip(graph.outputs, values)}


def _as_list(result: Any) -> list[Any]:
    return list(result) if isinstance(result, (list, tuple)) else [result]


def _logical(value: np.ndarray, nhwc: bool) -> np.ndarray:
    return np.ascontiguousarray(value.transpose(layout.NHWC_TO_NCHW)) if nhwc else value
