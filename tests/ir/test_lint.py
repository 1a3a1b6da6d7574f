"""lint names the offending node and says what to do, for each rule."""
import numpy as np
import pytest

from frontc.ir import GraphError, Node, ShapeError, lint


def test_clean_graph_passes_and_infers_every_tensor(graph):
    lint(graph)
    assert set(graph.tensors) == {t for n in graph.nodes for t in n.outputs}
    assert graph.tensors["fc"].shape == (1, 10)


def test_dangling_input(graph):
    graph.node("fc").inputs[0] = "nowhere"
    with pytest.raises(GraphError, match=r"node 'fc': input 'nowhere' .*dangling"):
        lint(graph)


def test_cycle(graph):
    graph.node("stem.conv").inputs[0] = "prob"
    graph.invalidate()
    with pytest.raises(GraphError, match="cycle"):
        lint(graph)


def test_unknown_op(graph):
    graph.node("block.add").op = "FancyAdd"
    with pytest.raises(GraphError, match=r"node 'block.add': unknown op 'FancyAdd'"):
        lint(graph)


def test_duplicate_node_name(graph):
    graph.node("block.relu1").name = "stem.relu"
    with pytest.raises(GraphError, match="used twice"):
        lint(graph)


def test_duplicate_output_tensor(graph):
    graph.node("block.relu1").outputs = ["stem.relu"]
    with pytest.raises(GraphError, match="already defined"):
        lint(graph)


def test_unknown_and_mistyped_attributes(graph):
    graph.node("stem.conv").attrs["stride"] = [2, 2]
    with pytest.raises(GraphError, match=r"node 'stem.conv'.*no attribute.*stride"):
        lint(graph)
    del graph.node("stem.conv").attrs["stride"]
    graph.node("stem.conv").attrs["group"] = "1"
    with pytest.raises(GraphError, match="group of Conv must be an int"):
        lint(graph)


def test_missing_required_attribute(graph):
    del graph.node("stem.pool").attrs["kernel_shape"]
    with pytest.raises(GraphError, match="needs attribute 'kernel_shape'"):
        lint(graph)


def test_param_shape_mismatch_names_node_and_shapes(graph):
    graph.params["block.conv1.weight"] = np.zeros((16, 8, 3, 3), np.float32)
    with pytest.raises(ShapeError, match=r"node 'block.conv1': Conv: Conv channels do not match"):
        lint(graph)


def test_batchnorm_param_length(graph):
    graph.params["dw.bn.var"] = np.ones(15, np.float32)
    with pytest.raises(ShapeError, match=r"node 'dw.bn'.*var must be \(16,\)"):
        lint(graph)


def test_wrong_arity(graph):
    graph.node("block.add").inputs.append("data")
    with pytest.raises(GraphError, match="takes 2 inputs, got 3"):
        lint(graph)


def test_outputs_must_exist(graph):
    graph.outputs = ["nothing"]
    with pytest.raises(GraphError, match="graph output 'nothing'"):
        lint(graph)


def test_object_param_rejected(graph):
    graph.params["fc.bias"] = np.array([object()] * 10)
    with pytest.raises(GraphError, match="not a numeric array"):
        lint(graph)


def test_input_also_param(graph):
    graph.params["data"] = np.zeros((1, 3, 32, 32), np.float32)
    with pytest.raises(GraphError, match="both a graph input and a param"):
        lint(graph)


def test_stale_stored_spec_is_reported(graph):
    lint(graph)
    graph.node("fc").inputs[1] = graph.add_param("w2", np.zeros((7, 16), np.float32))
    graph.node("fc").inputs[2] = ""
    graph.invalidate()
    graph.tensors["fc"].shape = (1, 10)
    with pytest.raises(GraphError, match="stored spec of 'fc'"):
        lint(graph)


def test_empty_node_output_rejected(graph):
    graph.nodes.append(Node("x", "Relu", ["prob"], [""]))
    with pytest.raises(GraphError, match="named outputs"):
        lint(graph)
