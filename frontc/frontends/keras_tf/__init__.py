"""The TensorFlow/Keras frontend: Keras 3 models and files, SavedModels and frozen GraphDefs.

Two converters share one layout discipline (``layout.py``): Keras models (objects,
.keras and .h5 files) are converted layer by layer (``keras_graph``, ``keras_ops``);
SavedModels, frozen .pb files and tf.functions are frozen GraphDefs converted op by
op (``tf_graph``, ``tf_ops``). Either way the IR is NCHW: 4-D inputs and outputs are
declared NCHW, weights are transposed once, and graph.meta records the conversion.

``input_shapes`` are given as the source model declares them (NHWC for images),
keyed by Keras input layer name or TF placeholder name.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from frontc.ir.errors import ModelLoadError, OptionError
from frontc.ir.graph import Graph

OPTIONS = {
    "outputs": "tensor names to convert up to, for GraphDef/SavedModel sources ('Identity:0')",
    "signature": "the SavedModel signature to convert (default: serving_default)",
    "custom_objects": "custom Keras classes needed to load a .keras/.h5 file",
}

__all__ = ["load", "OPTIONS"]


def load(model_or_path: Any, input_shapes: dict[str, Sequence[int]] | None = None,
         **options: Any) -> Graph:
    """Lower a Keras model, a .keras/.h5/.pb file, a SavedModel directory, a tf.function
    (with an input signature) or a GraphDef into a linted NCHW IR graph."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise OptionError(f"unknown TF/Keras frontend options {unknown}", hint=f"known: {sorted(OPTIONS)}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if isinstance(model_or_path, (str, os.PathLike)):
        return _load_path(Path(model_or_path), input_shapes, options)
    return _load_object(model_or_path, input_shapes, options, path=None)


def _load_path(path: Path, input_shapes: dict[str, Sequence[int]] | None,
               options: dict[str, Any]) -> Graph:
    from frontc.frontends.keras_tf import sources
    from frontc.frontends.keras_tf.tf_graph import convert_graph_def

    if not path.exists():
        raise ModelLoadError("no such file or directory", path=str(path), hint=sources.FORMATS_HINT)
    if path.is_dir():
        graph_def, outputs = sources.load_saved_model(path, options.get("signature"))
        return convert_graph_def(graph_def, outputs=options.get("outputs") or outputs,
                                 input_shapes=input_shapes, name=path.name, path=str(path),
                                 source_format="savedmodel")
    suffix = path.suffix.lower()
    if suffix in sources.KERAS_SUFFIXES:
        model = sources.load_keras_file(path, options.get("custom_objects"))
        return _load_object(model, input_shapes, options, path=str(path))
    if suffix == ".pb":
        return convert_graph_def(sources.read_graph_def(path), outputs=options.get("outputs"),
                                 input_shapes=input_shapes, name=path.stem, path=str(path))
    raise ModelLoadError(f"unknown model file type '{suffix}'", path=str(path), hint=sources.FORMATS_HINT)


def _load_object(obj: Any, input_shapes: dict[str, Sequence[int]] | None, options: dict[str, Any],
                 *, path: str | None) -> Graph:
    import keras
    import tensorflow as tf

    from frontc.frontends.keras_tf import sources
    from frontc.frontends.keras_tf.keras_graph import convert_keras, functional_graph
    from frontc.frontends.keras_tf.tf_graph import convert_graph_def

    if isinstance(obj, keras.Model):
        fn = functional_graph(obj)
        if fn is not None:
            return convert_keras(obj, fn, input_shapes, source_format="keras" if path is None else
                                 Path(path).suffix.lstrip(".").lower(), path=path)
        graph_def, outputs = sources.trace_keras(obj, input_shapes)
        return convert_graph_def(graph_def, outputs=outputs, input_shapes=input_shapes, name=obj.name,
                                 path=path, source_format="keras-traced")
    if isinstance(obj, tf.compat.v1.GraphDef):
        return convert_graph_def(obj, outputs=options.get("outputs"), input_shapes=input_shapes,
                                 source_format="graphdef")
    if hasattr(obj, "get_concrete_function") or hasattr(obj, "structured_outputs"):
        try:
            function = obj.get_concrete_function() if hasattr(obj, "get_concrete_function") else obj
        except (TypeError, ValueError) as exc:
            raise OptionError(f"cannot trace the tf.function ({sources.first_line(exc)})",
                              hint="give it an input_signature, or pass a concrete function") from None
        graph_def, outputs = sources.freeze(function)
        return convert_graph_def(graph_def, outputs=options.get("outputs") or outputs,
                                 input_shapes=input_shapes, name=_function_name(function),
                                 source_format="tf.function")
    raise ModelLoadError(f"cannot convert a {type(obj).__module__}.{type(obj).__name__}",
                         hint="pass a Keras model, a tf.function with an input signature, a GraphDef, "
                              "or a path (" + sources.FORMATS_HINT + ")")


def _function_name(function: Any) -> str:
    name = getattr(function, "name", "function")
    return name.decode() if isinstance(name, bytes) else str(name)
