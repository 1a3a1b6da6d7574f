"""Import of ONNX models quantized by ONNX Runtime (QDQ and QOperator, per-tensor and per-channel,
uint8 asymmetric and int8 symmetric activations): frontc's integers against ONNX Runtime's own, the
C model against frontc, and the one-line errors."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from frontc.interpreter import run
from frontc.ir.errors import FrontcError, ModelLoadError, UnsupportedOpError
from frontc.quant.annotations import is_integer, node_quant
from frontc.quant.importers.agreement import agreement, summary
from frontc.quant.importers.onnx_import import import_onnx, onnxruntime_codes
from tests.quant.importers_helpers import float_model, photos, quantized, reader

FORMATS = [("QDQ", False, False), ("QDQ", True, True), ("QOperator", True, False), ("QOperator", False, True)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("quantized_onnx")


@pytest.mark.parametrize("fmt,per_channel,symmetric", FORMATS)
def test_integers_follow_onnxruntime(folder, fmt, per_channel, symmetric) -> None:
    path = quantized(folder, fmt, per_channel, symmetric)
    graph, split = import_onnx(path)
    assert is_integer(graph) and graph.outputs == ["y"]
    rows = []
    for i in range(8, 14):  # photos the calibration did not see
        feeds = {"x": photos(1, i)}
        rows += agreement(graph, onnxruntime_codes(path, graph, split, feeds), feeds)
    s = summary(rows)
    # every quantized tensor compared; a difference is allowed only as 1 LSB at a rounding tie
    assert s["tensors"] >= 6 * 10 and s["isolated_unexplained"] == 0 and s["isolated_max_lsb"] <= 1, s
    assert any(r.tensor == "y" for r in rows)


def test_a_flipped_reference_integer_is_caught(folder) -> None:
    path = quantized(folder, "QDQ", True, True)
    graph, split = import_onnx(path)
    feeds = {"x": photos(1, 8)}
    reference = onnxruntime_codes(path, graph, split, feeds)
    reference["y"] = reference["y"].copy()
    reference["y"].flat[3] += 2
    s = summary(agreement(graph, reference, feeds))
    assert s["isolated_unexplained"] == 1 and s["cumulative_max_lsb"] == 2


def test_asymmetric_inputs_subtract_zero_points(folder) -> None:
    graph, _ = import_onnx(quantized(folder, "QDQ", False, False))
    conv = next(n for n in graph.nodes if n.op == "Conv")
    add = next(n for n in graph.nodes if n.op == "Add")
    assert node_quant(conv)["x"]["zero_point"] != 0 and not node_quant(conv)["x"]["signed"]
    assert node_quant(add)["zero_points"]


@pytest.mark.parametrize("fmt,per_channel,symmetric", FORMATS)
def test_import_runs_bit_exact_in_c(folder, tmp_path, fmt, per_channel, symmetric) -> None:
    from tests.cmodel.helpers import built
    graph, _ = import_onnx(quantized(folder, fmt, per_channel, symmetric))
    model = built(graph, tmp_path / "c", opt="O2")
    x = np.concatenate([photos(1, i) for i in range(8, 11)])
    expected = np.concatenate([run(graph, {"x": x[i:i + 1]})["y"] for i in range(3)])
    assert np.array_equal(model.predict(x)["y"], expected)


def test_asymmetric_weights_run_in_numpy_and_are_refused_by_the_c_model(folder) -> None:
    from frontc.cmodel import emit
    path = quantized(folder, "QOperator", False, False, uint8_weights=True)
    graph, split = import_onnx(path)
    feeds = {"x": photos(1, 9)}
    s = summary(agreement(graph, onnxruntime_codes(path, graph, split, feeds), feeds))
    assert s["isolated_unexplained"] == 0 and s["isolated_max_lsb"] <= 1, s
    with pytest.raises(UnsupportedOpError, match="asymmetric .zero point. weights"):
        emit(graph)


@pytest.mark.parametrize("bad", [0.0, float("nan"), float("inf"), -0.5])
def test_zero_or_non_finite_scale_is_one_line_exit_2(folder, tmp_path, bad) -> None:
    import onnx
    from onnx import numpy_helper
    model = onnx.load(quantized(folder, "QDQ", True, True))
    scale = next(i for i in model.graph.initializer if i.name.endswith("_scale") and not i.dims)
    scale.CopyFrom(numpy_helper.from_array(np.float32(bad), scale.name))
    path = tmp_path / "bad.onnx"
    onnx.save(model, path)
    with pytest.raises(ModelLoadError, match=f"scale '{scale.name}' .*positive and finite"):
        import_onnx(path)
    if bad != 0.0:
        return  # the command line once
    done = subprocess.run([sys.executable, "-m", "frontc.cli", "qimport", str(path), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "node '" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_dynamic_quantization_is_refused(folder, tmp_path) -> None:
    from onnxruntime.quantization import quantize_dynamic
    source = folder / "float.onnx"
    if not source.exists():
        float_model(source)
    path = tmp_path / "dynamic.onnx"
    quantize_dynamic(str(source), str(path))
    with pytest.raises(UnsupportedOpError, match="dynamic quantization .*static") as error:
        import_onnx(path)
    assert "frontc compile onnx" in str(error.value) and "\n" not in str(error.value)


def test_float_islands_and_float_models_are_refused(folder, tmp_path) -> None:
    from onnxruntime.quantization import quantize_static
    images = photos(4)


    path = tmp_path / "conv_only.onnx"
    quantize_static(str(float_model(tmp_path / "float.onnx")), str(path), reader(images), op_types_to_quantize=["Conv"])
    with pytest.raises(FrontcError, match="not quantized in the model|no integer kernel|changes the quantization"):
        import_onnx(path)
    with pytest.raises(ModelLoadError, match="float model"):
        import_onnx(tmp_path / "float.onnx")


def test_cli_qimport_then_run(folder, tmp_path) -> None:
    path = quantized(folder, "QOperator", True, False)
    out = tmp_path / "ir"
    x = tmp_path / "x.npy"
    np.save(x, photos(1, 9))
    cli = [sys.executable, "-m", "frontc.cli"]
    done = subprocess.run([*cli, "qimport", str(path), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "onnx_qoperator, perchannel" in done.stdout
    done = subprocess.run([*cli, "run", "--graph", str(out / "IR_quant_graph.json"), "--input_npy", str(x),
                           "--output_npy", str(tmp_path / "y.npy")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    graph, _ = import_onnx(path)
    assert np.array_equal(np.load(tmp_path / "y.npy"), run(graph, {"x": np.load(x)})["y"])


def test_constant_nodes_read_by_kept_ops_survive(tmp_path) -> None:
    """int8 symmetric QDQ keeps Clip (ReLU6) whose bounds come from Constant nodes (a torch export)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_static

    rng = np.random.default_rng(1)
    w = numpy_helper.from_array((rng.standard_normal((4, 3, 3, 3)) * 0.3).astype(np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Constant", [], ["lo"], value=numpy_helper.from_array(np.float32(0), "lo")),
             helper.make_node("Constant", [], ["hi"], value=numpy_helper.from_array(np.float32(6), "hi")),
             helper.make_node("Clip", ["c", "lo", "hi"], ["y"])]
    graph = helper.make_graph(nodes, "clip", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 16, 16])], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "f.onnx")
    images = photos(4)


    path = tmp_path / "q.onnx"
    quantize_static(str(tmp_path / "f.onnx"), str(path), reader(images), activation_type=QuantType.QInt8,
                    weight_type=QuantType.QInt8, extra_options={"ActivationSymmetric": True})
    graph, split = import_onnx(path)
    feeds = {"x": photos(1, 9)}
    s = summary(agreement(graph, onnxruntime_codes(path, graph, split, feeds), feeds))
    assert s["isolated_unexplained"] == 0 and s["isolated_max_lsb"] <= 1, s
