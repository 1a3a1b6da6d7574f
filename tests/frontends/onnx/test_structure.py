"""How an ONNX graph maps onto the IR: params vs inputs, traceable names, the tensor map,
and shape subgraphs folded away."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper

import frontc
from frontc.catalog.onnx_cases import onnxruntime_outputs
from tests.frontends.onnx.helpers import assert_matches, model, randn

F = TensorProto.FLOAT


def _net() -> onnx.ModelProto:
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="stem/conv", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]),  # no name: named after its output
             helper.make_node("Sum", ["r", "c", "x"], ["s"], name="merge"),
             helper.make_node("Softmax", ["s"], ["y"], name="head", axis=1)]
    return model(nodes, {"x": ((1, 3, 5, 5), F)}, {"y": F}, {"w": randn(3, 3, 3, 3)}, opset=11)


def test_names_are_traceable_and_tensors_mapped() -> None:
    graph = frontc.load(_net(), "onnx", name="net")
    assert graph.name == "net"
    # n-ary Sum -> two Adds; opset-11 Softmax at axis 1 of a 4-d tensor -> 2-d Softmax
    assert [n.name for n in graph.nodes] == ["stem/conv", "r", "merge/Add1", "merge", "head/flatten",
                                             "head/softmax", "head"]
    assert graph.meta["source_names"]["merge/Add1"] == "merge"
    assert {n.meta["source"] for n in graph.nodes} == {"stem/conv", "r", "merge", "head"}
    assert graph.meta["source_tensors"] == {"x": "x", "c": "stem/conv", "r": "r", "s": "merge",
                                            "y": "head"}
    assert graph.meta["framework"] == "onnx" and graph.meta["opset"] == 11


def test_per_tensor_outputs_match_onnxruntime() -> None:
    """Every mapped ONNX tensor equals the IR tensor it maps to (trace of the interpreter)."""
    proto = _net()
    graph = frontc.load(proto, "onnx")
    feeds = {"x": randn(1, 3, 5, 5)}
    trace = frontc.run(graph, feeds, trace=True)
    names = [t for t in graph.meta["source_tensors"] if t != "x"]
    probe = onnx.ModelProto.FromString(proto.SerializeToString())
    del probe.graph.output[:]
    probe.graph.output.extend(helper.make_tensor_value_info(t, F, None) for t in names)
    for name, ref in zip(names, onnxruntime_outputs(probe, feeds)):
        got = trace[graph.meta["source_tensors"][name]]
        assert np.abs(got - ref).max() <= 1e-5 * np.abs(ref).max(), name


def test_graph_inputs_that_are_initializers_become_params() -> None:
    proto = _net()
    proto.graph.input.append(helper.make_tensor_value_info("w", F, (3, 3, 3, 3)))
    graph = assert_matches(proto, {"x": randn(1, 3, 5, 5)}, 1e-5)
    assert graph.input_names == ["x"] and list(graph.params) == ["w"]


def test_shape_subgraph_folds_once_shapes_are_fixed() -> None:
    """x.view(x.size(0), -1) as exported: Shape -> Gather -> Unsqueeze -> Concat -> Reshape."""
    nodes = [helper.make_node("Shape", ["x"], ["shape"]),
             helper.make_node("Gather", ["shape", "zero"], ["n"], axis=0),
             helper.make_node("Unsqueeze", ["n", "axes"], ["n1"]),
             helper.make_node("Concat", ["n1", "minus_one"], ["target"], axis=0),
             helper.make_node("Reshape", ["x", "target"], ["flat"], name="flatten"),
             helper.make_node("MatMul", ["flat", "w"], ["y"])]
    inits = {"zero": np.array(0, np.int64), "axes": np.array([0], np.int64),
             "minus_one": np.array([-1], np.int64), "w": randn(24, 4)}
    proto = model(nodes, {"x": (("batch", 2, 3, 4), F)}, {"y": (("batch", 4), F)}, inits)
    graph = assert_matches(proto, {"x": randn(5, 2, 3, 4)}, 1e-5, input_shapes={"x": (5, 2, 3, 4)})
    assert [(n.op, n.attrs.get("shape")) for n in graph.nodes] == [("Reshape", [5, -1]), ("MatMul", None)]
    assert sorted(graph.params) == ["w"]
