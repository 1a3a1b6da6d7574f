"""User errors of the ONNX frontend: unsupported ops (all reported at once, before converting),
unreadable files, dynamic shapes without input_shapes, run-time shape tensors, bad options."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import frontc
from frontc.catalog.onnx_cases import light_model_path
from frontc.ir.errors import ModelLoadError, OptionError, UnsupportedOpError
from tests.frontends.onnx.helpers import model

F = TensorProto.FLOAT


def test_every_unsupported_op_is_listed_once_with_counts() -> None:
    nodes = [
        # a run-time Reshape shape comes first: the scan must report the ops before converting it
        helper.make_node("Reshape", ["x", "s"], ["r"], name="reshape_runtime"),
        helper.make_node("Relu", ["r"], ["a"]),
        helper.make_node("Unique", ["a"], ["v1"], name="unique_a"),
        helper.make_node("Unique", ["v1"], ["v2"], name=""),
        helper.make_node("NonZero", ["v2"], ["y"], name="nonzero"),
        helper.make_node("Scale", ["y"], ["z"], domain="com.example", name="custom"),
    ]
    proto = model(nodes, {"x": ((2, 8), F), "s": ((2,), TensorProto.INT64)}, {"z": ((2, 8), F)},
                  domains={"com.example": 1})
    with pytest.raises(UnsupportedOpError) as info:
        frontc.load(proto, "onnx")
    message = str(info.value)
    assert "3 unsupported op type(s)" in message and "opset 13" in message
    assert "Unique x2 (unique_a, v2)" in message
    assert "NonZero x1 (nonzero)" in message
    assert "com.example.Scale x1 (custom)" in message
    assert "\n" not in message


def test_runtime_shape_tensor_names_the_node_and_the_fix() -> None:
    node = helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape_runtime")
    proto = model([node], {"x": ((2, 8), F), "s": ((2,), TensorProto.INT64)}, {"y": ((4, 4), F)})
    with pytest.raises(UnsupportedOpError, match="reshape_runtime.*'shape'.*input_shapes"):
        frontc.load(proto, "onnx")


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_random_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path / "noise.onnx", np.random.default_rng(0).bytes(4096))
    with pytest.raises(ModelLoadError, match="noise.onnx: not a readable ONNX model") as info:
        frontc.load(path, "onnx")
    assert "\n" not in str(info.value)


def test_truncated_file(tmp_path: Path) -> None:
    data = light_model_path("squeezenet").read_bytes()
    path = _write(tmp_path / "cut.onnx", data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="cut.onnx: not a readable ONNX model") as info:
        frontc.load(path, "onnx")
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="missing.onnx: no such ONNX model file"):
        frontc.load(tmp_path / "missing.onnx", "onnx")


def test_model_failing_the_checker(tmp_path: Path) -> None:
    graph = helper.make_graph([helper.make_node("Relu", ["nowhere"], ["y"])], "bad",
                              [helper.make_tensor_value_info("x", F, (1, 2))],
                              [helper.make_tensor_value_info("y", F, (1, 2))])
    path = tmp_path / "bad.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    with pytest.raises(ModelLoadError, match="bad.onnx: the model fails onnx.checker") as info:
        frontc.load(str(path), "onnx")
    assert "\n" not in str(info.value)


def test_wrong_source_type() -> None:
    with pytest.raises(ModelLoadError, match="expected an .onnx path or an onnx.ModelProto"):
        frontc.load(42, "onnx")


def test_too_old_opset() -> None:
    proto = model([helper.make_node("Relu", ["x"], ["y"])], {"x": ((1, 2), F)}, {"y": F}, opset=6)
    with pytest.raises(ModelLoadError, match="opset 6 is outside"):
        frontc.load(proto, "onnx")


def _dynamic_model() -> onnx.ModelProto:
    return model([helper.make_node("Relu", ["x"], ["y"])], {"x": (("batch", 3, "h", 8), F)}, {"y": F})


def test_dynamic_dims_need_input_shapes() -> None:
    with pytest.raises(OptionError, match=r"input 'x' .*dynamic dims \['batch', 3, 'h', 8\].*input_shapes"):
        frontc.load(_dynamic_model(), "onnx")
    graph = frontc.load(_dynamic_model(), "onnx", input_shapes={"x": (2, 3, 5, 8)})
    assert graph.inputs[0].shape == (2, 3, 5, 8)


@pytest.mark.parametrize("shapes, message", [
    ({"y": (1, 3, 5, 8)}, "not inputs of the model"),
    ({"x": (1, 3, 5)}, "the model declares"),
    ({"x": (1, 3, 5, 9)}, "the model declares"),
])
def test_bad_input_shapes(shapes: dict, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        frontc.load(_dynamic_model(), "onnx", input_shapes=shapes)


def test_unknown_option() -> None:
    with pytest.raises(OptionError, match=r"unknown ONNX frontend option\(s\) \['layout'\]"):
        frontc.load(_dynamic_model(), "onnx", layout="NHWC")
