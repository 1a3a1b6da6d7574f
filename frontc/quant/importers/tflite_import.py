"""Quantized (int8) TFLite -> annotated integer IR (``import_tflite``), and the TFLite interpreter's own
integers of the same model as the reference for ``frontc.quant.importers.agreement`` (``tflite_codes``)."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from frontc.ir.errors import ModelLoadError
from frontc.ir.graph import Graph

FLOW = "import_quantized"


def import_tflite(path: str | os.PathLike, input_shapes: Mapping[str, Sequence[int]] | None = None
                  ) -> tuple[Graph, Any]:
    """(annotated integer IR, the frontend's Conversion) of an int8 .tflite file."""
    from frontc.frontends.tflite import convert
    from frontc.passes import run_pipeline
    from frontc.quant.importers.annotate import annotate_imported

    conversion = convert(path, dict(input_shapes) if input_shapes else None)
    if not conversion.acts:
        raise ModelLoadError("a float TFLite model: it has no quantized tensors", path=str(path),
                             hint="load it with frontc.frontends.tflite.load, or convert it with full-integer "
                                  "quantization (a representative dataset)")
    graph, _ = run_pipeline(conversion.graph, FLOW)
    annotate_imported(graph, conversion.acts, conversion.weights, source="tflite_int8", path=str(path))
    graph.name = "IR_quant"
    return graph, conversion


def tflite_codes(path: str | os.PathLike, graph: Graph, conversion: Any,
                 feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """tf.lite.Interpreter's integers of every quantized tensor of ``graph`` on ``feeds`` (NCHW feeds, as the
    IR takes them), by IR tensor name, in the IR's layout."""
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(path), experimental_preserve_all_tensors=True)
    interpreter.allocate_tensors()
    for detail in interpreter.get_input_details():
        value = np.asarray(feeds[detail["name"]], np.float32)
        interpreter.set_tensor(detail["index"], value.transpose(0, 2, 3, 1) if value.ndim == 4 else value)
    interpreter.invoke()
    out = {}
    for index, name in conversion.codes.items():
        if name in graph.tensors or graph.is_input(name):
            value = interpreter.get_tensor(index)
            out[name] = value.transpose(0, 3, 1, 2) if value.ndim == 4 else value
    return out
