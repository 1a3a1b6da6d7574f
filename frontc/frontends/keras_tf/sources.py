"""Opening TF/Keras sources: Keras files, SavedModel directories, frozen GraphDef files,
and freezing tf.functions. Every unreadable source is a one-line ModelLoadError naming it."""
from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from frontc.ir.errors import ModelLoadError, OptionError

KERAS_SUFFIXES = (".keras", ".h5", ".hdf5")
FORMATS_HINT = "expected a .keras, .h5 or frozen GraphDef .pb file, or a SavedModel directory"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (at most 200 characters), with its type."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200] if lines else ''}".rstrip(": ")


def load_keras_file(path: Path, custom_objects: dict[str, Any] | None = None) -> Any:
    """keras.models.load_model of a .keras/.h5 file (not compiled)."""
    import keras

    if path.suffix.lower() == ".keras" and not zipfile.is_zipfile(path):
        raise ModelLoadError("is not a .keras file (not a zip archive)", path=str(path),
                             hint="save the model with model.save('name.keras')")
    try:
        return keras.models.load_model(str(path), compile=False, custom_objects=custom_objects)
    except Exception as exc:  # h5py, zipfile, json and Keras each raise their own kinds
        raise ModelLoadError(f"cannot read the Keras model ({first_line(exc)})", path=str(path),
                             hint="is it a complete .keras/.h5 file saved by model.save()? custom "
                                  "layers need custom_objects=") from exc


def freeze(function: Any) -> tuple[Any, list[str]]:
    """(GraphDef, output tensor names) of a concrete function with its variables made constants."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    frozen = convert_variables_to_constants_v2(function)
    return frozen.graph.as_graph_def(), [t.name for t in frozen.outputs]


def load_saved_model(path: Path, signature: str | None = None) -> tuple[Any, list[str]]:
    """Load a SavedModel's signature (serving_default unless named) and freeze it."""
    import tensorflow as tf

    if not (path / "saved_model.pb").is_file() and not (path / "saved_model.pbtxt").is_file():
        raise ModelLoadError("is a directory but not a SavedModel (no saved_model.pb in it)",
                             path=str(path), hint=FORMATS_HINT)
    try:
        loaded = tf.saved_model.load(str(path))
    except Exception as exc:  # TF raises several kinds for damaged SavedModels
        raise ModelLoadError(f"cannot load the SavedModel ({first_line(exc)})", path=str(path)) from exc
    signatures = dict(loaded.signatures)
    if not signatures:
        raise ModelLoadError("the SavedModel has no signatures to convert", path=str(path),
                             hint="export it with model.export(dir), or tf.saved_model.save(obj, dir, "
                                  "signatures=...)")
    key = signature or ("serving_default" if "serving_default" in signatures else sorted(signatures)[0])
    if key not in signatures:
        raise OptionError(f"the SavedModel has no signature '{key}'", hint=f"choose one of {sorted(signatures)}")
    return freeze(signatures[key])


def read_graph_def(path: Path) -> Any:
    """Parse a frozen GraphDef (.pb) file."""
    import tensorflow as tf

    data = path.read_bytes()
    graph_def = tf.compat.v1.GraphDef()
    try:
        graph_def.ParseFromString(data)
        problem = "" if graph_def.node and all(n.op and n.name for n in graph_def.node) else \
            "no well-formed nodes"
    except Exception as exc:  # google.protobuf.message.DecodeError and friends
        problem = first_line(exc)
    if not problem:
        return graph_def
    hint = "it is a SavedModel's saved_model.pb: pass its directory" if _is_saved_model(data) else FORMATS_HINT
    raise ModelLoadError(f"is not a frozen TF GraphDef ({problem})", path=str(path), hint=hint)


def _is_saved_model(data: bytes) -> bool:
    from tensorflow.core.protobuf import saved_model_pb2

    saved = saved_model_pb2.SavedModel()
    try:
        saved.ParseFromString(data)
    except Exception:  # not a SavedModel either
        return False
    return bool(saved.meta_graphs)


def trace_keras(model: Any, input_shapes: dict[str, Sequence[int]] | None) -> tuple[Any, list[str]]:
    """Freeze ``model(x, training=False)`` for a Keras model without a functional graph."""
    import tensorflow as tf

    if not input_shapes:
        raise OptionError(f"Keras model '{model.name}' has no functional graph (subclassed or never "
                          "built), so its inputs are unknown",
                          hint="pass input_shapes={'name': (1, H, W, C)} (NHWC) to trace it")
    specs = [tf.TensorSpec([int(d) for d in shape], tf.float32, name=name)
             for name, shape in input_shapes.items()]

    def call(*inputs: Any) -> Any:
        return model(inputs[0] if len(inputs) == 1 else list(inputs), training=False)

    return freeze(tf.function(call).get_concrete_function(*specs))
