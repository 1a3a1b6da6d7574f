"""The TFLite frontend (float .tflite against tf.lite.Interpreter) and the import of full-integer int8
.tflite files (frontc's integers against the interpreter's own), converted from the catalog's Keras
small_cnn with a representative dataset of real photos."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from frontc.frontends.tflite import load
from frontc.interpreter import run
from frontc.ir.errors import ModelLoadError
from frontc.quant.annotations import is_integer
from frontc.quant.importers.agreement import agreement, summary
from frontc.quant.importers.tflite_import import import_tflite, tflite_codes
from tests.quant.importers_helpers import photos


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    import tensorflow as tf

    from frontc.catalog.keras_cases import small_cnn
    folder = tmp_path_factory.mktemp("tflite")
    model = small_cnn()
    images = photos(8).transpose(0, 2, 3, 1)
    (folder / "float.tflite").write_bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([images[i:i + 1]] for i in range(len(images)))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    (folder / "int8.tflite").write_bytes(converter.convert())
    return folder


def interpreter_output(path, x: np.ndarray) -> np.ndarray:
    import tensorflow as tf
    interpreter = tf.lite.Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x.transpose(0, 2, 3, 1))
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def test_float_tflite_matches_the_interpreter(files) -> None:
    graph = load(files / "float.tflite")
    assert graph.inputs[0].shape == (1, 3, 16, 16) and graph.meta["source_layout"] == "NHWC"
    for i in range(8, 12):
        x = photos(1, i)
        ref = interpreter_output(files / "float.tflite", x)
        out = run(graph, {graph.inputs[0].name: x})[graph.outputs[0]]
        assert np.abs(out - ref).max() <= 1e-5 * np.abs(ref).max()


def test_int8_tflite_integers_follow_the_interpreter(files) -> None:
    path = files / "int8.tflite"
    graph, conversion = import_tflite(path)
    assert is_integer(graph)
    rows = []
    for i in range(8, 14):
        feeds = {graph.inputs[0].name: photos(1, i)}
        rows += agreement(graph, tflite_codes(path, graph, conversion, feeds), feeds)
    s = summary(rows)
    assert s["tensors"] >= 6 * 7 and s["isolated_unexplained"] == 0 and s["isolated_max_lsb"] <= 1, s
    reference = tflite_codes(path, graph, conversion, feeds)
    reference[graph.outputs[0]] = reference[graph.outputs[0]].copy()
    reference[graph.outputs[0]].flat[0] += 1  # the harness can fail
    assert summary(agreement(graph, reference, feeds))["isolated_unexplained"] >= 1


def test_int8_tflite_runs_bit_exact_in_c(files, tmp_path) -> None:
    from tests.cmodel.helpers import built
    graph, _ = import_tflite(files / "int8.tflite")
    model = built(graph, tmp_path / "c", opt="O2")
    name = graph.inputs[0].name
    x = np.concatenate([photos(1, i) for i in range(8, 11)])
    expected = np.concatenate([run(graph, {name: x[i:i + 1]})[graph.outputs[0]] for i in range(3)])
    assert np.array_equal(model.predict(x)[graph.outputs[0]], expected)


def test_bad_scale_float_model_and_bad_files_are_one_line_errors(files, tmp_path) -> None:
    with pytest.raises(ModelLoadError, match="float TFLite model"):
        import_tflite(files / "float.tflite")
    data = bytearray((files / "int8.tflite").read_bytes())
    from frontc.frontends.tflite.reader import read
    scale = next(t for t in read(files / "int8.tflite").tensors if t.scale is not None and t.scale.size == 1
                 and t.data is None)
    raw = np.float32(scale.scale[0]).tobytes()
    assert data.count(raw) >= 1
    bad = tmp_path / "zero_scale.tflite"
    bad.write_bytes(bytes(data).replace(raw, np.float32(0).tobytes()))
    cli = [sys.executable, "-m", "frontc.cli", "qimport"]
    done = subprocess.run([*cli, str(bad), "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "positive and finite" in done.stderr, done.stderr
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"not a flatbuffer at all")
    done = subprocess.run([*cli, str(junk), "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 2 and "TFL3" in done.stderr and not (tmp_path / "out").exists()
