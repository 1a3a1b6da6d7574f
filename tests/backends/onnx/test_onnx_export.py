"""IR -> ONNX: every op family as a one-node graph and a residual CNN pass onnx.checker, keep the
IR's names and run in onnxruntime as the interpreter does (1e-5 x max|ref|); unsupported ops and
existing files are refused in one line."""
from __future__ import annotations

import onnx
import pytest

import frontc
from frontc.analysis.distance import distance
from frontc.backends.onnx import OPSET, run_onnxruntime, save_onnx, to_onnx
from frontc.ir.errors import FrontcError, UnsupportedOpError
from frontc.ir.graph import Graph, Node, TensorSpec
from tests.backends.single_ops import CASES, SEQUENCE_OPS, single_op_graph

RTOL = 1e-5


@pytest.mark.parametrize("case", list(CASES))
def test_single_op_matches_the_interpreter(case):
    graph, feeds = single_op_graph(case)
    expected = frontc.run(graph, feeds)["y"]
    actual = run_onnxruntime(graph, feeds)["y"]
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    d = distance(actual, expected, classifier=False)
    assert d.max_abs <= RTOL * d.max_ref, f"{case}: {d}"


@pytest.mark.parametrize("case", list(SEQUENCE_OPS))
def test_sequence_op_matches_the_interpreter(case):
    """The sequence and transformer ops, every output (LSTM's Y, Y_h, Y_c; TopK's indices)."""
    graph, feeds = single_op_graph(case)
    expected = frontc.run(graph, feeds)
    actual = run_onnxruntime(graph, feeds)
    for name in graph.outputs:
        assert actual[name].shape == expected[name].shape and actual[name].dtype == expected[name].dtype, name
        d = distance(actual[name], expected[name], classifier=False)
        assert d.max_abs <= RTOL * d.max_ref, f"{case} {name}: {d}"


def test_model_is_checked_opset_17_and_keeps_names(graph, image):
    model = to_onnx(graph)
    onnx.checker.check_model(model, full_check=True)
    assert [o.version for o in model.opset_import] == [OPSET] == [17]
    node_names = {n.name for n in model.graph.node}
    tensors = {t for n in model.graph.node for t in n.output}
    assert {n.name for n in graph.nodes} <= node_names
    assert {t for n in graph.nodes for t in n.outputs} <= tensors
    assert set(graph.params) <= {i.name for i in model.graph.initializer}
    assert [i.name for i in model.graph.input] == graph.input_names
    assert [o.name for o in model.graph.output] == graph.outputs


def test_trace_gives_every_ir_tensor_as_the_interpreter(graph, image):
    expected = frontc.run(graph, {graph.input_names[0]: image}, trace=True)
    actual = run_onnxruntime(graph, {graph.input_names[0]: image}, trace=True)
    assert set(actual) == set(expected)
    for name, want in expected.items():
        d = distance(actual[name], want, classifier=False)
        assert d.max_abs <= RTOL * max(d.max_ref, 1e-30), f"{name}: {d}"


def test_fused_cmodel_graph_matches(graph, image):
    from frontc.compiler import compile_graph

    cmodel = compile_graph(graph).cmodel
    assert any(n.attrs.get("activation") for n in cmodel.nodes)
    feeds = {cmodel.input_names[0]: image}
    d = distance(run_onnxruntime(cmodel, feeds)[cmodel.outputs[0]], frontc.run(cmodel, feeds)[cmodel.outputs[0]])
    assert d.within(RTOL), str(d)


def test_unsupported_ops_are_listed_at_once():
    nodes = [Node("a", "Shape", ["x"], ["s"]), Node("b", "Cast", ["s"], ["y"], {"to": "float32"})]
    graph = Graph("g", nodes, [TensorSpec("x", (1, 2))], ["y"])
    from frontc.backends.onnx import registry

    saved = registry._EMITTERS.pop("Shape"), registry._EMITTERS.pop("Cast")
    try:
        with pytest.raises(UnsupportedOpError, match=r"Cast x1 \(b\); Shape x1 \(a\)"):
            to_onnx(graph)
    finally:
        registry._EMITTERS["Shape"], registry._EMITTERS["Cast"] = saved


def test_save_refuses_to_replace_without_force(graph, tmp_path):
    path = save_onnx(graph, tmp_path / "m.onnx")
    before = path.read_bytes()
    with pytest.raises(FrontcError, match="exists"):
        save_onnx(graph, path)
    assert path.read_bytes() == before
    save_onnx(graph, path, force=True)
    assert onnx.load(str(path)).graph.name == graph.name
