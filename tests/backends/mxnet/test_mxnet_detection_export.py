"""IR -> MXNet for the ops of detection heads: BoxNMS (-> _contrib_box_nms), GatherND (negative indices
wrapped), Mod, Cast to bool inside a graph; each equals the interpreter (NMS and indexing exactly), and
the tiny detector catalog model, exported back to MXNet, gives MXNet's original outputs."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.backends.mxnet import run_mxnet
from frontc.catalog.mxnet_cases import detection_case
from frontc.compiler import compile_graph
from frontc.frontends.builder import GraphBuilder
from frontc.ir.errors import UnsupportedOpError
from tests.backends.boxes import tie_boxes


def one_node(op, x, attrs=None, extra=None):
    b = GraphBuilder(op.lower(), "test")
    names = [b.input("x", x.shape, str(x.dtype))] + [b.param(f"p{i}", v, dtype=str(v.dtype))
                                                     for i, v in enumerate(extra or [])]
    return b.finish([b.add1(op, names, attrs, name=op.lower())])


def assert_same(graph, x):
    expected = frontc.run(graph, {"x": x})[graph.outputs[0]]
    actual = run_mxnet(graph, {"x": x})[graph.outputs[0]]
    np.testing.assert_array_equal(actual, expected)


@pytest.mark.parametrize("fmt, attrs", [("corner", {"id_index": 0, "topk": 20, "overlap_thresh": 0.3}),
                                        ("center", {"id_index": 0, "background_id": 2, "force_suppress": 1}),
                                        ("corner", {"valid_thresh": 0.4})])
def test_box_nms(fmt, attrs):
    x = tie_boxes(30, fmt, seed=len(attrs))
    assert_same(one_node("BoxNMS", x, {"format": fmt, **attrs}), x)


def test_gather_nd_with_negative_indices():
    x = np.random.default_rng(0).normal(0, 1, (3, 4, 5)).astype(np.float32)
    index = np.array([[[0, -1], [2, 3]], [[-3, 0], [1, -4]]], np.int64)
    assert_same(one_node("GatherND", x, {}, [index]), x)


@pytest.mark.parametrize("fmod", [0, 1])
def test_integer_mod(fmod):
    x = np.arange(-12, 12, dtype=np.int64).reshape(4, 6)
    assert_same(one_node("Mod", x, {"fmod": fmod}, [np.array([5, -5, 3, -3, 7, 2], np.int64)]), x)


def test_cast_to_bool_feeds_where():
    b = GraphBuilder("where", "test")
    x = b.input("x", (3, 4))
    flag = b.add1("Cast", [x], {"to": "bool"}, name="flag")
    graph = b.finish([b.add1("Where", [flag, x, b.param("y", np.full((3, 4), 7, np.float32))], name="where")])
    assert_same(graph, np.array([[0, 1.5, -0.0, np.nan]] * 3, np.float32))


@pytest.mark.parametrize("op, x, attrs, extra, what", [
    ("Mod", np.ones((2, 3), np.float32), {"fmod": 1}, [np.ones(3, np.float32)], "fmod=1 of floating-point"),
    ("GatherND", np.ones((2, 3), np.float32), {"batch_dims": 1}, [np.zeros((2, 1), np.int64)], "batch_dims=1"),
])
def test_forms_mxnet_lacks_are_refused(op, x, attrs, extra, what):
    with pytest.raises(UnsupportedOpError, match=what):
        run_mxnet(one_node(op, x, attrs, extra), {"x": x})


def test_tiny_detector_round_trip():
    case = detection_case("tiny_detector")
    result = compile_graph(frontc.load(case.source, "mxnet", input_shapes=case.input_shapes))
    for ir in (result.reconstruct, result.cmodel):
        outputs = run_mxnet(ir, case.feeds)
        for tensor, reference in zip(ir.outputs, case.reference):
            got = outputs[tensor]
            assert np.abs(got - reference).max() <= 1e-5 * np.abs(reference).max(), tensor
        np.testing.assert_array_equal(outputs[ir.outputs[0]], case.reference[0])  # the class ids
