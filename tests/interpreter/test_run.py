"""The interpreter loop: feeds by name, traces, and the errors it reports."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import helper

import frontc.interpreter
from frontc.interpreter import kernel_ops
from frontc.ir.errors import ExecutionError, OptionError
from frontc.ir.graph import Graph, Node, TensorSpec
from frontc.ir.schema import known_ops
from tests.interpreter.onnx_single_op import assert_close, ir_graph, randn, run_onnx


def _block() -> tuple[Graph, dict[str, np.ndarray]]:
    """conv -> relu -> add(skip) -> pool: a small graph with two inputs and two outputs,
    one of which (``act``) is also read by a later node."""
    params = {"w": randn(4, 3, 3, 3, seed=1), "b": randn(4, seed=2)}
    nodes = [Node("conv1", "Conv", ["image", "w", "b"], ["conv"], {"pads": [1, 1, 1, 1]}),
             Node("relu1", "Relu", ["conv"], ["act"]),
             Node("add1", "Add", ["act", "skip"], ["sum"]),
             Node("pool1", "GlobalAvgPool", ["sum"], ["pooled"])]
    inputs = [TensorSpec("image", (1, 3, 6, 6)), TensorSpec("skip", (1, 4, 6, 6))]
    feeds = {"image": randn(1, 3, 6, 6, seed=3), "skip": randn(1, 4, 6, 6, seed=4)}
    return Graph("block", nodes, inputs, ["pooled", "act"], params), feeds


def _onnx_block(feeds: dict[str, np.ndarray], params: dict[str, np.ndarray]) -> list[np.ndarray]:
    nodes = [helper.make_node("Conv", ["image", "w", "b"], ["conv"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["conv"], ["act"]),
             helper.make_node("Add", ["act", "skip"], ["sum"]),
             helper.make_node("GlobalAveragePool", ["sum"], ["pooled"])]
    return run_onnx(nodes, feeds, params, outputs=["conv", "act", "sum", "pooled"])


def test_every_ir_op_has_a_kernel() -> None:
    assert kernel_ops() == known_ops()


def test_outputs_by_name_match_onnxruntime() -> None:
    graph, feeds = _block()
    conv, act, _, pooled = _onnx_block(feeds, graph.params)
    out = frontc.interpreter.run(graph, feeds)
    assert list(out) == ["pooled", "act"]
    assert_close([out["pooled"], out["act"]], [pooled, act], "compute")
    assert_close([out["act"]], [np.maximum(conv, 0)], "compute")


def test_trace_returns_every_tensor_in_execution_order() -> None:
    graph, feeds = _block()
    traced = frontc.interpreter.run(graph, feeds, trace=True)
    assert list(traced) == ["image", "skip", "conv", "act", "sum", "pooled"]
    reference = dict(zip(["conv", "act", "sum", "pooled"], _onnx_block(feeds, graph.params)))
    for name, value in reference.items():
        assert_close([traced[name]], [value], "compute")
    np.testing.assert_array_equal(traced["image"], feeds["image"])


def test_feeds_are_taken_by_name_not_order() -> None:
    a, b = randn(2, 3, seed=1), randn(2, 3, seed=2)
    graph = ir_graph("Sub", ["a", "b"], {"a": a, "b": b})
    out = frontc.interpreter.run(graph, {"b": b, "a": a})
    np.testing.assert_array_equal(out["y"], a - b)


def test_single_array_feed_for_single_input_graph() -> None:
    x = randn(2, 3)
    out = frontc.interpreter.run(ir_graph("Neg", ["x"], {"x": x}), x)
    np.testing.assert_array_equal(out["y"], -x)


def test_zero_dim_feed_stays_zero_dim() -> None:
    x = np.array(2.5, dtype=np.float32)
    out = frontc.interpreter.run(ir_graph("Exp", ["x"], {"x": x}), {"x": x})
    assert isinstance(out["y"], np.ndarray) and out["y"].shape == ()


def test_missing_feed_names_the_input() -> None:
    graph, feeds = _block()
    with pytest.raises(OptionError, match="no value for input 'skip'"):
        frontc.interpreter.run(graph, {"image": feeds["image"]})


def test_wrong_shape_feed_names_the_input() -> None:
    graph, feeds = _block()
    with pytest.raises(OptionError, match=r"input 'image' expects shape \[1, 3, 6, 6\], got \[1, 3, 6, 5\]"):
        frontc.interpreter.run(graph, {**feeds, "image": feeds["image"][..., :5]})


def test_unknown_feed_and_bare_array_for_two_inputs() -> None:
    graph, feeds = _block()
    with pytest.raises(OptionError, match=r"feeds \['imgae'\] are not graph inputs"):
        frontc.interpreter.run(graph, {**feeds, "imgae": feeds["image"]})
    with pytest.raises(OptionError, match=r"the graph has 2 inputs \['image', 'skip'\]"):
        frontc.interpreter.run(graph, feeds["image"])


def test_wrong_dtype_feed_names_the_input() -> None:
    graph, feeds = _block()
    with pytest.raises(OptionError, match="input 'skip' expects float32, got complex64"):
        frontc.interpreter.run(graph, {**feeds, "skip": feeds["skip"].astype(np.complex64)})


def test_kernel_failure_names_op_and_node() -> None:
    """An out-of-range index only shows at run time: the error says where."""
    x, indices = randn(4, 3), np.array([0, 7], dtype=np.int64)
    graph = ir_graph("Gather", ["x", "i"], {"x": x, "i": indices}, name="lookup_table")
    with pytest.raises(ExecutionError, match="node 'lookup_table': while executing Gather: IndexError"):
        frontc.interpreter.run(graph, {"x": x, "i": indices})


def test_unknown_fused_activation_names_op_and_node() -> None:
    x, params = randn(1, 2, 4, 4), {"w": randn(3, 2, 1, 1, seed=1)}
    graph = ir_graph("Conv", ["x", "w"], {"x": x}, params, {"activation": "Gelu"}, name="conv_gelu")
    with pytest.raises(ExecutionError, match="node 'conv_gelu': while executing Conv: .*unknown fused "
                                             "activation 'Gelu'"):
        frontc.interpreter.run(graph, {"x": x})
