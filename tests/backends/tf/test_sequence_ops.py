"""The ops of sequence and transformer models rebuilt in Keras, one node each, against the
interpreter; 4-D inputs both as NCHW and held channels-last."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.ir.ops.logic import COMPARE_OPS, LOGIC_OPS
from tests.backends.tf.util import check, feeds_for, randn, single

io_layouts = pytest.mark.parametrize("channels_last_io", [False, True], ids=["nchw", "nhwc"])
X = (2, 3, 4, 5)


@io_layouts
@pytest.mark.parametrize("op", COMPARE_OPS)
def test_compare(op, channels_last_io):
    graph = single(op, [X, np.round(randn(5, seed=3))])
    feeds = {"x0": np.round(feeds_for(graph)["x0"])}
    check(graph, feeds, channels_last_io=channels_last_io)


@pytest.mark.parametrize("op", [*LOGIC_OPS, "Not"])
def test_logic(op):
    graph = single(op, [(3, 4)] + ([(4,)] if op != "Not" else []), dtype="bool")
    feeds = {s.name: np.random.default_rng(i).integers(0, 2, s.shape).astype(bool) for i, s in enumerate(graph.inputs)}
    check(graph, feeds)


@io_layouts
def test_where(channels_last_io):
    check(single("Where", [randn(1, 3, 1, 5) > 0, X, randn(5, seed=2)]), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_and_erf(approximate, channels_last_io):
    check(single("Gelu", [X], {"approximate": approximate}), channels_last_io=channels_last_io)
    check(single("Erf", [X]), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("op,attrs", [
    ("LogSoftmax", {"axis": 1}), ("LogSoftmax", {"axis": -1}), ("ArgMax", {"axis": 1}),
    ("ArgMin", {"axis": 3, "keepdims": 0, "select_last_index": 1}), ("CumSum", {"axis": 2}),
    ("CumSum", {"axis": 1, "exclusive": 1, "reverse": 1}), ("ReduceProd", {"axes": [2, 3]}),
    ("ReduceL2", {"axes": [1], "keepdims": 0})])
def test_axis_ops(op, attrs, channels_last_io):
    check(single(op, [X], attrs), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("axis,largest", [(1, 1), (-1, 0)])
def test_top_k(axis, largest, channels_last_io):
    check(single("TopK", [X], {"k": 2, "axis": axis, "largest": largest}, outputs=2),
          channels_last_io=channels_last_io)


@pytest.mark.parametrize("equation,shapes", [("bhqd,bhkd->bhqk", [(2, 3, 5, 4), (2, 3, 6, 4)]),
                                             ("bqd,bkd->bqk", [(2, 5, 4), (2, 6, 4)]),
                                             ("ij,jk", [(3, 4), (4, 5)])])
def test_einsum(equation, shapes):
    check(single("Einsum", shapes, {"equation": equation}), linear=True)


@io_layouts
@pytest.mark.parametrize("axis", [-1, 2])
def test_layer_norm(axis, channels_last_io):
    normalized = X[axis:] if axis >= 0 else X[axis:]
    check(single("LayerNorm", [X, randn(*normalized, seed=1), randn(*normalized, seed=2)], {"axis": axis}),
          linear=True, channels_last_io=channels_last_io)


def test_layer_norm_without_bias():
    check(single("LayerNorm", [(2, 5, 8), randn(8, seed=1)]), linear=True)


@io_layouts
@pytest.mark.parametrize("op,attrs", [("GroupNorm", {"num_groups": 3}), ("InstanceNorm", {})])
def test_group_and_instance_norm(op, attrs, channels_last_io):
    shape = (2, 6, 4, 5)
    check(single(op, [shape, randn(6, seed=1), randn(6, seed=2)], attrs), linear=True,
          channels_last_io=channels_last_io)


GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def _recurrent(op, direction, layout, lens=False, initial=False, **attrs):
    dirs, g, h = (2 if direction == "bidirectional" else 1), GATES[op], 4
    x = (3, 5, 2) if layout else (5, 3, 2)
    ins = [x, randn(dirs, g * h, 2, seed=1), randn(dirs, g * h, h, seed=2), randn(dirs, 2 * g * h, seed=3)]
    ins.append(np.array([5, 2, 4], np.int32) if lens else None)
    state = (3, dirs, h) if layout else (dirs, 3, h)
    ins += [randn(*state, seed=4 + k) if initial else None for k in range(2 if op == "LSTM" else 1)]
    while ins[-1] is None:
        ins.pop()
    return single(op, ins, {"hidden_size": h, "direction": direction, "layout": layout, **attrs},
                  outputs=3 if op == "LSTM" else 2)


@pytest.mark.parametrize("op,attrs", [("LSTM", {}), ("GRU", {"linear_before_reset": 1}), ("GRU", {}),
                                      ("RNN", {}), ("RNN", {"activation": "Relu"})])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize("layout", [0, 1])
def test_recurrent(op, attrs, direction, layout):
    check(_recurrent(op, direction, layout, initial=True, **attrs), linear=True)


@pytest.mark.parametrize("op", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_recurrent_sequence_lens(op, direction):
    check(_recurrent(op, direction, 0, lens=True), linear=True)


@pytest.mark.parametrize("mask", [True, False])
def test_attention(mask):
    ins = [(2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 7)] + ([randn(2, 1, 1, 6, seed=3)] if mask else [])
    check(single("Attention", ins, {"scale": 0.25}), linear=True)


@io_layouts
def test_gather_elements(channels_last_io):
    index = np.random.default_rng(0).integers(-4, 4, (2, 3, 2, 5))
    check(single("GatherElements", [X, index], {"axis": 2}), channels_last_io=channels_last_io)


@pytest.mark.parametrize("reduction", ["none", "add", "max", "min"])
def test_scatter_and_gather_nd(reduction):
    nd = np.array([[0, 1], [2, 3]] if reduction == "none" else [[0, 1], [2, -1], [0, 1]])
    check(single("ScatterND", [(3, 4, 5), nd, randn(len(nd), 5, seed=1)], {"reduction": reduction}))
    index = np.random.default_rng(0).integers(-4, 4, (3, 2, 5))
    if reduction == "none":
        index = np.stack([np.random.default_rng(i).permutation(4)[:2] for i in range(15)]).reshape(3, 5, 2)
        index = index.transpose(0, 2, 1)
    check(single("ScatterElements", [(3, 4, 5), index, randn(3, 2, 5, seed=3)],
                 {"axis": 1, "reduction": reduction}))
    check(single("GatherND", [(3, 4, 5), np.array([[[1, 2]], [[0, 0]], [[3, -1]]])], {"batch_dims": 1}))


@pytest.mark.parametrize("op,attrs,dtype", [
    ("BitwiseAnd", {}, "int32"), ("BitwiseOr", {}, "int16"), ("BitwiseXor", {}, "int64"), ("BitwiseNot", {}, "int8"),
    ("BitShift", {"direction": "LEFT"}, "uint8"), ("BitShift", {"direction": "RIGHT"}, "uint32")])
def test_bitwise(op, attrs, dtype):
    rng = np.random.default_rng(4)
    operand = [] if op == "BitwiseNot" else [rng.integers(0, 8 if op == "BitShift" else 100, (4,)).astype(dtype)]
    graph = single(op, [(3, 4), *operand], attrs, dtype=dtype)
    check(graph, {"x0": rng.integers(0, 100, (3, 4)).astype(dtype)})


@pytest.mark.parametrize("op,attrs", [("IsNaN", {}), ("IsInf", {}), ("IsInf", {"detect_positive": 0})])
def test_float_tests(op, attrs):
    x = np.array([[1.0, np.inf, -np.inf, np.nan], [0.0, -2.0, np.inf, 3.0]], np.float32)
    check(single(op, [x.shape], attrs), {"x0": x})


def test_det():
    check(single("Det", [(2, 3, 4, 4)]))
