"""Keras as a source runner: one ``keras.Model(inputs, [layer.output, ...])`` over the layers
that IR nodes are traced to; a layer's output pairs with the output of its last IR node.

The IR is NCHW where Keras is NHWC. ``ir_layouts`` replays the frontend's layout rules
(``frontends/keras_tf/layout.py``) over the IR graph to tell, for each IR tensor, how it holds
its source tensor: transposed to NCHW, as is, or as an NCHW Flatten (CHW order) of an NHWC
image; the Keras value is rearranged the same way before it is compared. Top-level layers of
a functional or Sequential model only (not the layers inside a nested model, not a layer
called more than once); SavedModels and frozen graphs have no layers to trace.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from frontc.frontends.keras_tf.layout import NCHW, NCHW_TO_NHWC, NHWC_TO_NCHW, PLAIN, Layout, flat
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.sources import source_outputs

SHAPE_OPS = ("Flatten", "Reshape")
MATRIX_OPS = ("Dense", "Gemm", "MatMul")


def trace(source: Any, graph: Graph, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Keras's value of every top-level layer output that has an IR tensor in ``graph`` (NCHW)."""
    import keras

    model = _keras_model(source)
    outputs = source_outputs(graph)
    picked = []
    for layer in model.layers:
        if layer.name in outputs and not isinstance(layer, keras.layers.InputLayer):
            try:
                tensor = layer.output  # a layer called several times has no single output
            except (AttributeError, ValueError):
                continue
            if not isinstance(tensor, (list, tuple, dict)):
                picked.append((outputs[layer.name][0], tensor))
    probe = keras.Model(model.inputs, [tensor for _, tensor in picked])
    inputs = [feeds[spec.name].transpose(NCHW_TO_NHWC) if spec.layout == "NCHW" else feeds[spec.name]
              for spec in graph.inputs]
    values = probe(inputs, training=False)
    values = values if isinstance(values, (list, tuple)) else [values]
    layouts = ir_layouts(graph)
    traced = {}
    for (ir_tensor, _), value in zip(picked, values):
        converted = to_ir(keras.ops.convert_to_numpy(value), layouts.get(ir_tensor, PLAIN))
        if converted is not None:
            traced[ir_tensor] = converted
    return traced


def _keras_model(source: Any) -> Any:
    """A Keras model object, or one read from a .keras/.h5 file."""
    import keras

    from frontc.frontends.keras_tf.keras_graph import functional_graph
    from frontc.frontends.keras_tf.sources import KERAS_SUFFIXES, load_keras_file

    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.suffix.lower() not in KERAS_SUFFIXES or not path.is_file():
            raise OptionError(f"{path}: the tf source runner reads Keras models (.keras, .h5) only",
                              hint="SavedModels and frozen graphs have no layers to trace; give the "
                                   "Keras file the model was saved from")
        source = load_keras_file(path)
    if not isinstance(source, keras.Model) or functional_graph(source) is None:
        raise OptionError(f"cannot trace the layers of a {type(source).__name__}",
                          hint="give a functional or Sequential Keras model (or its .keras/.h5 file)")
    return source


def to_ir(value: np.ndarray, layout: Layout) -> np.ndarray | None:
    """A Keras value in the IR layout ``layout``; None when its rank does not fit."""
    if layout == NCHW:
        return value.transpose(NHWC_TO_NCHW) if value.ndim == 4 else None
    if layout.kind == "flat":
        h, w, c = layout.hwc
        if value.ndim != 2 or value.shape[1] != h * w * c:
            return None
        return value.reshape(-1, h, w, c).transpose(0, 3, 1, 2).reshape(value.shape[0], -1)
    return value


def ir_layouts(graph: Graph) -> dict[str, Layout]:
    """IR tensor -> how it holds its Keras tensor, by the frontend's rules: 4-D inputs and image
    ops are NCHW; a Transpose to or from NHWC switches; an NCHW Flatten is flat(h, w, c) and
    elementwise ops keep it; Dense/MatMul and other reshapes give PLAIN."""
    layouts = {spec.name: NCHW if spec.layout == "NCHW" else PLAIN for spec in graph.inputs}
    for node in graph.nodes:
        data = [t for t in node.inputs if t and not graph.is_param(t)]
        x = data[0] if data else None
        before = layouts.get(x, PLAIN) if x else PLAIN
        in_shape = graph.spec(x).shape if x else ()
        out_shape = graph.spec(node.outputs[0]).shape
        layout = PLAIN
        if node.op == "Transpose":
            perm = list(node.attrs.get("perm", []))
            layout = NCHW if perm == list(NHWC_TO_NCHW) and before == PLAIN else PLAIN
        elif node.op in SHAPE_OPS:
            layout = _reshaped(before, in_shape, out_shape)
        elif node.op in MATRIX_OPS:
            layout = PLAIN
        elif len(out_shape) == 4:
            layout = before if len(in_shape) == 4 else NCHW
        elif before.kind == "flat" and out_shape == in_shape:
            layout = before
        for tensor in node.outputs:
            layouts[tensor] = layout
    return layouts


def _reshaped(before: Layout, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> Layout:
    """The layout after a Flatten/Reshape: an NCHW image flattened is flat(h, w, c), a flat
    value reshaped to (n, c, h, w) is NCHW again, and a reshape that only moves size-1 axes
    (the frontend's cheap NCHW <-> NHWC move) switches the layout."""
    if len(in_shape) == 4 and len(out_shape) == 2 and before == NCHW:
        n, c, h, w = in_shape
        return flat(h, w, c)
    if before.kind == "flat" and len(out_shape) == 4 and out_shape[2:] + out_shape[1:2] == before.hwc:
        return NCHW
    if len(in_shape) == 4 and len(out_shape) == 4 and in_shape != out_shape:
        if before == NCHW and out_shape == tuple(in_shape[i] for i in NCHW_TO_NHWC):
            return PLAIN
        if before == PLAIN and out_shape == tuple(in_shape[i] for i in NHWC_TO_NCHW):
            return NCHW
    return PLAIN
