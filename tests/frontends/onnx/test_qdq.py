"""ONNX QuantizeLinear and DequantizeLinear import as plain IR ops (``frontc compile onnx`` simulates
them; ``frontc qimport`` is what turns QDQ models into annotations): the interpreter, the torch
reconstruction and the ONNX export equal ONNX Runtime exactly."""
from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import frontc
from frontc.backends.onnx import run_onnxruntime, to_onnx
from frontc.backends.torch import run_torch, to_torch
from frontc.catalog.onnx_cases import onnxruntime_outputs
from frontc.interpreter import run
from frontc.ir.errors import FrontcError
from tests.frontends.onnx.helpers import model, randn

SHAPE = (2, 3, 8)


def qdq_model(dtype: type, per_axis: bool, zero_point: bool, block: int = 0) -> tuple[onnx.ModelProto, dict]:
    """x -> QuantizeLinear -> q, and q -> DequantizeLinear -> y, scales per tensor, per axis 1 or blocked on
    axis 2; an absent zero point means uint8."""
    rng = np.random.default_rng(7)
    info = np.iinfo(dtype)
    shape = (2, 3, -(-SHAPE[2] // block)) if block else (3,) if per_axis else ()
    inits = {"s": (rng.uniform(0.01, 0.1, shape) * (info.max - info.min) / 255).astype(np.float32)}
    if zero_point:
        inits["z"] = rng.integers(info.min // 2, info.max // 2 + 1, shape).astype(dtype)
    zp = "z" if zero_point else ""
    attrs = {"axis": 2, "block_size": block} if block else {}
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", zp], ["q"], name="q", **attrs),
             helper.make_node("DequantizeLinear", ["q", "s", zp], ["y"], name="dq", **attrs)]
    q_type = helper.np_dtype_to_tensor_dtype(np.dtype(dtype if zero_point else np.uint8))
    proto = model(nodes, {"x": (SHAPE, TensorProto.FLOAT)}, {"q": (SHAPE, q_type), "y": (SHAPE, TensorProto.FLOAT)},
                  inits, opset=21)
    return proto, inits


def feeds(inits: dict) -> list[np.ndarray]:
    """Random values over and beyond the range (saturation) and exact ties x = (k + 0.5) * scale."""
    scale = np.broadcast_to(inits["s"].reshape(-1, 1) if inits["s"].ndim == 1 else inits["s"], SHAPE[1:]) \
        if inits["s"].ndim != 3 else np.repeat(inits["s"], 4, axis=2)[..., :SHAPE[2]]
    ties = (np.arange(np.prod(SHAPE)).reshape(SHAPE) % 9 - 4 + np.float32(0.5)).astype(np.float32) * scale
    return [randn(*SHAPE, seed=s) * np.float32(10.0 ** s) for s in range(4)] + [ties.astype(np.float32)]


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.uint16, np.int16])
@pytest.mark.parametrize("per_axis", [False, True])
def test_quantize_dequantize_equal_onnxruntime(dtype, per_axis) -> None:
    proto, inits = qdq_model(dtype, per_axis, True)
    graph = frontc.load(proto, "onnx")
    assert {n.op for n in graph.nodes} == {"QuantizeLinear", "DequantizeLinear"}
    module = to_torch(graph) if dtype != np.uint16 else None  # torch has no uint16 here: to_torch refuses it
    exported = to_onnx(graph) if dtype in (np.uint8, np.int8) else None  # int16 and uint16 need opset 21
    for x in feeds(inits):
        expected = onnxruntime_outputs(proto, {"x": x})
        runs = [run(graph, {"x": x})]
        if module is not None:
            runs.append(run_torch(module, {"x": x}))
        if exported is not None:
            runs.append(run_onnxruntime(graph, {"x": x}, model=exported))
        for got in runs:
            for name, want in zip(graph.outputs, expected):
                assert got[name].dtype == want.dtype and np.array_equal(got[name], want), name


@pytest.mark.parametrize("block", [0, 4])
def test_default_zero_point_and_blocked_equal_onnxruntime(block) -> None:
    proto, inits = qdq_model(np.uint8, False, block > 0, block) if block else qdq_model(np.uint8, True, False)
    graph = frontc.load(proto, "onnx")
    module = to_torch(graph)
    for x in feeds(inits):
        expected = onnxruntime_outputs(proto, {"x": x})
        for got in (run(graph, {"x": x}), run_torch(module, {"x": x})):
            for name, want in zip(graph.outputs, expected):
                assert got[name].dtype == want.dtype and np.array_equal(got[name], want), name


def test_int4_zero_point_is_refused_in_one_line() -> None:
    graph = helper.make_graph(
        [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q4")], "int4",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, (4,))],
        [helper.make_tensor_value_info("q", TensorProto.INT4, (4,))],
        [helper.make_tensor("s", TensorProto.FLOAT, (), [0.1]), helper.make_tensor("z", TensorProto.INT4, (), [1])])
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    onnx.checker.check_model(proto)
    with pytest.raises(FrontcError) as error:
        frontc.load(proto, "onnx")
    assert "INT4" in str(error.value) and "\n" not in str(error.value)
