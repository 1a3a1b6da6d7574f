"""Graph queries and mutation helpers keep the producer/consumer index right."""
import numpy as np
import pytest

from frontc.interpreter import run
from frontc.ir import Graph, GraphError, Node, TensorSpec, lint


def test_producer_and_consumers(graph):
    pool = graph.node("stem.pool")
    assert graph.producer("stem.pool") is pool
    assert [n.name for n in graph.consumers("stem.pool")] == ["block.conv1", "block.add"]
    assert graph.producer("data") is None and graph.is_input("data")
    assert graph.is_param("fc.weight")


def test_remove_node_rewires_readers_and_keeps_output_names(graph, image):
    before = run(graph, image)["prob"]
    graph.insert_node(Node("extra", "Identity", ["fc"], ["fc_id"]), after=graph.node("fc"))
    graph.replace_all_uses("fc", "fc_id")
    graph.node("extra").inputs = ["fc"]
    graph.invalidate()
    lint(graph)
    graph.remove_node(graph.node("extra"), replacement="fc")
    lint(graph)
    assert not graph.has_node("extra")
    np.testing.assert_array_equal(run(graph, image)["prob"], before)


def test_removing_a_node_whose_output_is_a_graph_output_keeps_the_name(graph, image):
    before = run(graph, image)["prob"]
    graph.insert_node(Node("out_id", "Identity", ["prob"], ["final"]))
    graph.outputs = ["final"]
    graph.invalidate()
    graph.remove_node(graph.node("out_id"), replacement="prob")
    lint(graph)
    assert graph.outputs == ["final"] and graph.producer("final").name == "prob"
    np.testing.assert_array_equal(run(graph, image)["final"], before)


def test_remove_used_node_without_replacement_is_refused(graph):
    with pytest.raises(GraphError, match="still used"):
        graph.remove_node(graph.node("stem.conv"))


def test_toposort_restores_order_after_appending_out_of_order(graph):
    node = graph.nodes.pop(3)
    graph.nodes.append(node)
    graph.invalidate()
    with pytest.raises(GraphError, match="later node"):
        lint(graph)
    graph.toposort()
    lint(graph)


def test_unique_name_and_add_param(graph):
    assert graph.unique_name("fc") == "fc_1"
    name = graph.add_param("fc.weight", np.zeros(3, np.float32))
    assert name == "fc.weight_1" and graph.params[name].shape == (3,)


def test_copy_is_independent(graph):
    clone = graph.copy()
    clone.nodes[0].attrs["strides"] = [1, 1]
    assert graph.nodes[0].attrs["strides"] == [2, 2]


def test_tensor_spec_normalizes_dtype():
    assert TensorSpec("x", [1, 2], np.float32).dtype == "float32"
    assert Graph().outputs == []
