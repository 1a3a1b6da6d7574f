"""Arithmetic, math functions, activations, PRelu and Softmax, one node each, against the
interpreter; 4-D inputs both as NCHW (held as in the IR) and NHWC (held channels-last)."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.backends.tf import to_keras
from frontc.frontends.builder import GraphBuilder
from frontc.ir.ops.elementwise import ACTIVATION_OPS, BINARY_OPS, UNARY_OPS
from tests.backends.tf.util import check, feeds_for, layer_classes, randn, single

BROADCASTS = {
    "same": ((2, 3, 4, 5), (2, 3, 4, 5)),
    "channel_param": ((2, 3, 4, 5), np.ones((3, 1, 1))),
    "full_param": ((2, 3, 4, 5), np.ones((1, 3, 4, 5))),
    "param_first": (np.ones((3, 1, 1)), (2, 3, 4, 5)),
    "scalar_param": ((2, 3, 4, 5), np.ones(())),
    "row_param": ((2, 3, 4, 5), np.ones((5,))),
    "broadcast_4d": ((2, 3, 4, 5), (1, 3, 1, 5)),
    "lower_rank": ((2, 3, 4, 5), (4, 5)),
    "2d": ((3, 4), (3, 4)),
}


def _operand(spec, seed):
    if isinstance(spec, np.ndarray):
        return np.random.default_rng(seed).uniform(0.5, 2.0, spec.shape).astype(np.float32)
    return spec


@pytest.mark.parametrize("op", BINARY_OPS)
@pytest.mark.parametrize("case", sorted(BROADCASTS))
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_binary(op, case, channels_last_io):
    a, b = (_operand(s, i) for i, s in enumerate(BROADCASTS[case]))
    graph = single(op, [a, b])
    positive = op in ("Pow", "Div")  # Pow of negative bases / division near zero: keep it defined
    check(graph, feeds_for(graph, low=0.5 if positive else -2.0), channels_last_io=channels_last_io)


def test_binary_native_layers():
    model = to_keras(single("Add", [(1, 2, 3, 3), (1, 2, 3, 3)]))
    assert "Add" in layer_classes(model)


@pytest.mark.parametrize("op", ["Add", "Mul", "Div", "Max"])
def test_binary_int64(op):
    graph = single(op, [(2, 5), (2, 5)], dtype="int64")
    feeds = feeds_for(graph)
    feeds["x1"] = np.where(feeds["x1"] == 0, 3, feeds["x1"])
    check(graph, feeds)


def test_binary_same_input():
    b = GraphBuilder("square", "test")
    x = b.input("x", (1, 2, 3, 3))
    check(b.finish([b.add1("Mul", [x, x], name="square")]), channels_last_io=True)


@pytest.mark.parametrize("op", UNARY_OPS)
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_unary(op, channels_last_io):
    graph = single(op, [(2, 3, 4, 5)])
    low, high = DOMAINS.get(op, (-3.0, 3.0))
    check(graph, feeds_for(graph, low=low, high=high), channels_last_io=channels_last_io)


DOMAINS = {"Sqrt": (0.1, 3.0), "Log": (0.1, 3.0), "Reciprocal": (0.1, 3.0), "Asin": (-0.95, 0.95),
           "Acos": (-0.95, 0.95), "Atanh": (-0.95, 0.95), "Acosh": (1.05, 3.0), "Tan": (-1.4, 1.4)}


ACTIVATIONS = [(op, {}) for op in ACTIVATION_OPS] + [
    ("Clip", {"min": 0.0, "max": 2.5}), ("Clip", {"min": -1.0, "max": 0.5}), ("Clip", {"min": 0.0}),
    ("LeakyRelu", {"alpha": 0.3}), ("Elu", {"alpha": 0.7}), ("HardSigmoid", {"alpha": 1 / 6, "beta": 0.5}),
    ("Swish", {"alpha": 1.702}),
]


@pytest.mark.parametrize("op,attrs", ACTIVATIONS, ids=[f"{op}{sorted(a.values())}" for op, a in ACTIVATIONS])
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_activation(op, attrs, channels_last_io):
    graph = single(op, [(2, 3, 4, 5)], attrs)
    check(graph, feeds_for(graph, low=-8.0, high=8.0), channels_last_io=channels_last_io)


@pytest.mark.parametrize("shape,slope", [
    ((2, 3, 4, 5), (3, 1, 1)), ((2, 3, 4, 5), (1,)), ((2, 3, 4, 5), (5,)), ((2, 3, 4, 5), (1, 3, 4, 1)),
    ((2, 6), (6,)), ((2, 3, 7), (3, 1)),
], ids=["channel", "scalar", "last_axis", "partial", "2d", "3d"])
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_prelu(shape, slope, channels_last_io):
    check(single("PRelu", [shape, randn(*slope)]), channels_last_io=channels_last_io)


@pytest.mark.parametrize("axis", [1, -1, 2, 0])
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_softmax(axis, channels_last_io):
    check(single("Softmax", [(2, 3, 4, 5)], {"axis": axis}), channels_last_io=channels_last_io)
