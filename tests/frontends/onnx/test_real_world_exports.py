"""What exports from other toolchains carry: negative dim_values (PaddlePaddle's dynamic batch),
dim_params, stale declared output shapes (the computed shape wins, with a note), initializers
listed as graph inputs, external data (read once, next to the .onnx file), and inputs that frontc
needs constant (axes, pads, shapes) bound to values by the user (``constants=``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import frontc
from frontc.catalog.onnx_cases import onnxruntime_outputs
from frontc.frontends.onnx.context import ConstantRequired
from frontc.ir.errors import FrontcNote, ModelLoadError, OptionError


def _conv_model(batch: int | str, declared_out: list, initializers_as_inputs: bool = False) -> onnx.ModelProto:
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, declared_out)
    node = helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1])
    relu = helper.make_node("Relu", ["c"], ["y"])
    inputs = [x] + ([helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 3, 3, 3])]
                    if initializers_as_inputs else [])
    graph = helper.make_graph([node, relu], "export", inputs, [y], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def _feeds(batch: int) -> dict[str, np.ndarray]:
    return {"x": np.random.default_rng(1).standard_normal((batch, 3, 8, 8)).astype(np.float32)}


def _assert_matches(model: onnx.ModelProto, graph: frontc.Graph, batch: int) -> None:
    feeds = _feeds(batch)
    got = frontc.run(graph, feeds)[graph.outputs[0]]
    np.testing.assert_allclose(got, onnxruntime_outputs(model, feeds)[0], rtol=0, atol=1e-5)


def test_negative_dim_value_is_dynamic() -> None:
    model = _conv_model(-1, [-1, 4, 8, 8])
    with pytest.warns(FrontcNote, match=r"dynamic batch dim \(\?\): using 1"):
        assert frontc.load(model, "onnx").inputs[0].shape == (1, 3, 8, 8)
    graph = frontc.load(model, "onnx", input_shapes={"x": (2, 3, 8, 8)})
    assert graph.inputs[0].shape == (2, 3, 8, 8) and "notes" not in graph.meta
    _assert_matches(model, graph, 2)


def test_dim_param_of_any_name() -> None:
    model = _conv_model("batch_size_0", ["batch_size_0", 4, 8, 8])
    graph = frontc.load(model, "onnx", input_shapes={"x": (3, 3, 8, 8)})
    assert graph.inputs[0].shape == (3, 3, 8, 8)


def test_stale_declared_output_shape_is_noted() -> None:
    model = _conv_model(1, [1, 4, 6, 6])
    with pytest.warns(FrontcNote, match=r"output 'y' is declared \[1, 4, 6, 6\] but computes \[1, 4, 8, 8\]"):
        graph = frontc.load(model, "onnx")
    assert graph.spec(graph.outputs[0]).shape == (1, 4, 8, 8)
    assert graph.meta["notes"] == ["output 'y' is declared [1, 4, 6, 6] but computes [1, 4, 8, 8]; the computed "
                                   "shape is used"]
    _assert_matches(model, graph, 1)


def test_initializers_listed_as_graph_inputs() -> None:
    model = _conv_model(1, [1, 4, 8, 8], initializers_as_inputs=True)
    graph = frontc.load(model, "onnx")
    assert graph.input_names == ["x"] and "w" in graph.params
    _assert_matches(model, graph, 1)


def test_external_data(tmp_path: Path) -> None:
    model = _conv_model(1, [1, 4, 8, 8])
    path = tmp_path / "model.onnx"
    copy = onnx.ModelProto.FromString(model.SerializeToString())  # saving moves the data out of the proto
    onnx.save_model(copy, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.data", size_threshold=0)
    assert (tmp_path / "model.data").is_file()
    graph = frontc.load(str(path), "onnx")
    np.testing.assert_array_equal(graph.params["w"], numpy_helper.to_array(model.graph.initializer[0]))
    _assert_matches(model, graph, 1)
    (tmp_path / "model.data").unlink()
    with pytest.raises(ModelLoadError, match=r"external data file\(s\) \['model.data'\]"):
        frontc.load(str(path), "onnx")


def _reduce_model() -> onnx.ModelProto:
    """ReduceSum-13 whose axes are a graph input (as ONNX's own conformance cases feed them)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])
    axes = helper.make_tensor_value_info("axes", TensorProto.INT64, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 1, 4])
    node = helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=1)
    model = helper.make_model(helper.make_graph([node], "reduce", [x, axes], [y]),
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def test_input_needed_constant_is_named() -> None:
    with pytest.raises(ConstantRequired, match=r"input 'axes' \(tensor 'axes'\) must be a constant.*constants=") as err:
        frontc.load(_reduce_model(), "onnx")
    assert err.value.tensor == "axes"


def test_inputs_bound_as_constants() -> None:
    model, axes = _reduce_model(), np.array([1], dtype=np.int64)
    graph = frontc.load(model, "onnx", constants={"axes": axes})
    assert [spec.name for spec in graph.inputs] == ["x"]
    x = np.random.default_rng(2).standard_normal((2, 3, 4)).astype(np.float32)
    expected = onnxruntime_outputs(model, {"x": x, "axes": axes})[0]
    np.testing.assert_allclose(frontc.run(graph, {"x": x})[graph.outputs[0]], expected, rtol=1e-6, atol=0)


@pytest.mark.parametrize(("constants", "message"), [
    ({"z": np.array([1])}, r"constants names \['z'\], which are not inputs of the model"),
    ({"axes": np.array([1], dtype=np.int32)}, r"gives input 'axes' a int32 array of shape \[1\].*int64 \[1\]"),
    ({"axes": np.array([1, 2], dtype=np.int64)}, r"input_shapes gives \[2\] for input 'axes'"),
])
def test_bad_constants_are_refused(constants: dict, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        frontc.load(_reduce_model(), "onnx", constants=constants)


def test_cli_input_value_binds_an_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from frontc.cli import main
    from frontc.ir import load_graph

    onnx.save(_reduce_model(), tmp_path / "reduce.onnx")
    np.save(tmp_path / "axes.npy", np.array([2], dtype=np.int64))
    command = ["compile", "onnx", str(tmp_path / "reduce.onnx"), "--no-png", "-o", str(tmp_path / "ir")]
    assert main(command) == 2
    assert "--input-value NAME=FILE.npy" in capsys.readouterr().err
    assert main([*command, "--input-value", f"axes={tmp_path / 'axes.npy'}"]) == 0
    graph = load_graph(tmp_path / "ir" / "IR_for_reconstruct_graph.json")
    assert [spec.name for spec in graph.inputs] == ["x"] and graph.spec(graph.outputs[0]).shape == (2, 3, 1)
    assert main(["compile", "torch", "m.pt", "--input-value", "axes=a.npy", "-o", str(tmp_path / "t")]) == 2
    assert "--input-value binds inputs of ONNX models" in capsys.readouterr().err
