"""Export a Keras model: SavedModel, frozen GraphDef (.pb) and TFLite.

The frozen graph and the TFLite flatbuffer both come from one traced ``tf.function``
whose variables are folded into constants first (converting an unfrozen function
to TFLite gives NaN silently). Inputs keep the model's input names; outputs are named
after the IR outputs for models built by ``to_keras``.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import keras
import tensorflow as tf
from tensorflow.lite.python.convert_phase import ConverterError
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

from frontc.backends.tf.context import sanitize
from frontc.backends.tf.model import _BUILDS
from frontc.ir.errors import FrontcError
from frontc.outputs import Outputs, write_file


@dataclass
class FrozenGraph:
    """A frozen GraphDef written to ``path``, with its input and output tensor names."""

    path: Path
    inputs: list[str]
    outputs: list[str]


def _output_names(model: keras.Model) -> list[str]:
    build = _BUILDS.get(model)
    if build is not None:
        return [sanitize(name) for name in build.graph.outputs]
    return [f"output_{i}" for i in range(len(model.outputs))]


def input_specs(model: keras.Model) -> list[tf.TensorSpec]:
    """The model's inputs as TensorSpecs with their static shapes and names."""
    return [tf.TensorSpec(t.shape, t.dtype, name=sanitize(t.name)) for t in model.inputs]


def frozen_function(model: keras.Model):
    """The model as a ``tf.function`` of its inputs (static shapes), variables folded into constants."""
    specs = input_specs(model)
    names = _output_names(model)

    @tf.function
    def serve(*xs):
        ys = model(list(xs) if len(xs) > 1 else xs[0], training=False)
        ys = ys if isinstance(ys, (list, tuple)) else [ys]
        return [tf.identity(y, name=name) for y, name in zip(ys, names)]

    return convert_variables_to_constants_v2(serve.get_concrete_function(*specs))


def save_frozen_pb(model: keras.Model, path: str | os.PathLike) -> FrozenGraph:
    """Write the frozen GraphDef of ``model`` to ``path`` atomically."""
    frozen = frozen_function(model)
    graph_def = frozen.graph.as_graph_def()
    written = write_file(path, graph_def.SerializeToString(), force=True)
    return FrozenGraph(written, [t.name for t in frozen.inputs], [t.name for t in frozen.outputs])


def to_tflite(model: keras.Model) -> bytes:
    """The model as a TFLite flatbuffer (float32, TFLite builtin ops only), converted frozen."""
    frozen = frozen_function(model)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([frozen])
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    try:
        return converter.convert()
    except (ConverterError, ValueError) as exc:
        text = str(exc)
        missing = re.search(r"TF Select ops: (.*)", text)
        reason = f"no TFLite builtin for {missing.group(1)}" if missing else text.strip().splitlines()[0]
        raise FrontcError(f"TFLite conversion of '{model.name}' failed: {reason}",
                          hint="these ops (in these dtypes) need TF Select, which to_tflite "
                               "does not enable") from exc


def save_saved_model(model: keras.Model, directory: str | os.PathLike) -> Path:
    """Export ``model`` as a SavedModel (endpoint ``serve``) to ``directory``, replacing it whole."""
    specs = input_specs(model)  # one positional argument: the input, or the list of inputs
    with Outputs("export", force=True) as out:
        model.export(str(out.folder(directory)), format="tf_saved_model", verbose=False,
                     input_signature=[specs] if len(specs) > 1 else specs)
    return Path(directory)
