"""Interpreter seams: node-aware kernel variants chosen by annotation, the streaming observer,
integer dtypes in schemas and declared output dtypes."""
from __future__ import annotations

import numpy as np
import pytest

import frontc.interpreter
from frontc.interpreter.registry import VARIANT_KEY, get_variant, kernel
from frontc.ir.errors import ExecutionError, GraphError, UnsupportedOpError
from frontc.ir.graph import Graph, Node, TensorSpec
from frontc.ir.infer import OUT_DTYPES, infer_shapes
from frontc.testing.graphs import tiny_resnet


@kernel("Relu", variant="test_double")
def _double_relu(ins, attrs, node):
    return np.maximum(ins[0], 0) * np.float32(node.meta["factor"])


def _relu_graph(meta: dict) -> Graph:
    return Graph("g", [Node("r", "Relu", ["x"], ["y"], meta=meta)], [TensorSpec("x", (2, 3))], ["y"])


def test_a_variant_is_chosen_by_annotation_and_sees_the_node() -> None:
    x = np.array([[-1, 2, 3], [4, -5, 6]], np.float32)
    plain = frontc.interpreter.run(_relu_graph({}), x)["y"]
    doubled = frontc.interpreter.run(_relu_graph({VARIANT_KEY: "test_double", "factor": 2.0}), x)["y"]
    np.testing.assert_array_equal(plain, np.maximum(x, 0))
    np.testing.assert_array_equal(doubled, 2 * np.maximum(x, 0))


def test_unknown_variant_names_the_node() -> None:
    with pytest.raises(UnsupportedOpError, match="node 'r'.*no 'nope' kernel for op 'Relu'"):
        frontc.interpreter.run(_relu_graph({VARIANT_KEY: "nope"}), np.zeros((2, 3), np.float32))
    with pytest.raises(UnsupportedOpError):
        get_variant("Conv", "test_double")


def test_observer_streams_every_node_output_and_matches_trace() -> None:
    graph = tiny_resnet()
    x = np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype(np.float32)
    seen: list[tuple[str | None, dict]] = []
    out = frontc.interpreter.run(graph, x, observer=lambda node, values: seen.append(
        (None if node is None else node.name, {k: float(np.abs(v).max()) for k, v in values.items()})))
    trace = frontc.interpreter.run(graph, x, trace=True)
    assert seen[0] == (None, {"data": float(np.abs(x).max())})
    assert [name for name, _ in seen[1:]] == [n.name for n in graph.nodes]
    observed = {k: v for _, values in seen for k, v in values.items()}
    assert observed == {k: float(np.abs(v).max()) for k, v in trace.items()}
    np.testing.assert_array_equal(out["prob"], trace["prob"])


def test_integer_inputs_are_admitted_and_declared_dtypes_checked() -> None:
    nodes = [Node("conv", "Conv", ["x", "w"], ["y"], meta={OUT_DTYPES: ["int32"]}),
             Node("act", "Sigmoid", ["y"], ["z"])]
    graph = Graph("g", nodes, [TensorSpec("x", (1, 2, 4, 4), "int8")], ["z"],
                  {"w": np.ones((3, 2, 1, 1), np.int8)})
    infer_shapes(graph)
    assert graph.tensors["y"].dtype == "int32" and graph.tensors["z"].dtype == "int32"
    graph.nodes[0].meta[OUT_DTYPES] = "int32"
    with pytest.raises(GraphError, match="must list 1 dtype"):
        infer_shapes(graph)
    graph.nodes[0].meta[OUT_DTYPES] = ["int16"]  # the plain kernel gives int8, the graph says int16
    graph.nodes.pop()
    graph.outputs = ["y"]
    with pytest.raises(ExecutionError, match="schema says int16"):
        frontc.interpreter.run(graph, np.ones((1, 2, 4, 4), np.int8))
