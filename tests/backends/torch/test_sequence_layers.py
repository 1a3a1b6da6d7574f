"""Recurrent layers, norms and the transformer ops rebuilt in torch against the interpreter:
directions, layouts, initial states, sequence lengths; the state dict holds the IR's params."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from frontc.ir.errors import UnsupportedOpError
from tests.backends.torch.util import check_op
from tests.interpreter.onnx_single_op import randn

GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def _case(op, direction, layout, lens=False, initial=False):
    dirs, g, h = (2 if direction == "bidirectional" else 1), GATES[op], 4
    x = randn(3, 5, 2) if layout else randn(5, 3, 2)
    params = {"w": randn(dirs, g * h, 2, seed=1), "r": randn(dirs, g * h, h, seed=2),
              "b": randn(dirs, 2 * g * h, seed=3)}
    names = ["x", "w", "r", "b", "lens" if lens else ""]
    if lens:
        params["lens"] = np.array([5, 2, 4], np.int32)
    state = (3, dirs, h) if layout else (dirs, 3, h)
    for k in range(2 if op == "LSTM" else 1):
        names.append(f"s{k}" if initial else "")
        if initial:
            params[f"s{k}"] = randn(*state, seed=4 + k)
    while not names[-1]:
        names.pop()
    attrs = {"hidden_size": h, "direction": direction, "layout": layout}
    if op == "GRU":
        attrs["linear_before_reset"] = 1
    return names, {"x": x}, params, attrs, 3 if op == "LSTM" else 2


@pytest.mark.parametrize("op", list(GATES))
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize("layout", [0, 1])
def test_recurrent(op, direction, layout):
    names, feeds, params, attrs, outputs = _case(op, direction, layout, initial=True)
    module = check_op(op, names, feeds, params, attrs, "compute", outputs)
    keys = {k.split(".")[-1] for k in module.state_dict()}
    assert {"W", "R", "B"} <= keys and not any("weight_ih" in k for k in module.state_dict())


@pytest.mark.parametrize("op", list(GATES))
@pytest.mark.parametrize("direction", ["forward", "bidirectional"])
@pytest.mark.parametrize("layout", [0, 1])
def test_recurrent_sequence_lens(op, direction, layout):
    names, feeds, params, attrs, outputs = _case(op, direction, layout, lens=True, initial=True)
    check_op(op, names, feeds, params, attrs, "compute", outputs)


def test_recurrent_refusals():
    names, feeds, params, attrs, outputs = _case("GRU", "forward", 0)
    with pytest.raises(UnsupportedOpError, match="linear_before_reset"):
        check_op("GRU", names, feeds, params, {**attrs, "linear_before_reset": 0}, "compute", outputs)
    names, feeds, params, attrs, outputs = _case("LSTM", "reverse", 0, lens=True)
    with pytest.raises(UnsupportedOpError, match="reverse"):
        check_op("LSTM", names, feeds, params, attrs, "compute", outputs)


def test_lstm_trains():
    names, feeds, params, attrs, outputs = _case("LSTM", "bidirectional", 0)
    module = check_op("LSTM", names, feeds, params, attrs, "compute", outputs)
    y = module(torch.from_numpy(feeds["x"]))[0]
    y.sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())


@pytest.mark.parametrize("shape,axis", [((2, 5, 8), -1), ((2, 3, 4, 5), 1)])
def test_layer_norm(shape, axis):
    params = {"s": randn(*shape[axis:], seed=1), "b": randn(*shape[axis:], seed=2)}
    check_op("LayerNorm", ["x", "s", "b"], {"x": randn(*shape)}, params, {"axis": axis}, "compute")
    check_op("LayerNorm", ["x", "s"], {"x": randn(*shape)}, {"s": params["s"]}, {"axis": axis}, "compute")


@pytest.mark.parametrize("equation,shapes", [("bhqd,bhkd->bhqk", [(2, 3, 5, 4), (2, 3, 6, 4)]),
                                             ("ij,jk", [(3, 4), (4, 5)]), ("...ij->...ji", [(2, 3, 4)])])
def test_einsum(equation, shapes):
    feeds = {f"x{i}": randn(*s, seed=i) for i, s in enumerate(shapes)}
    check_op("Einsum", list(feeds), feeds, {}, {"equation": equation}, "compute")


def test_top_k_ties_keep_the_lower_index():
    x = np.array([[1, 3, 3, 2, 3]], np.float32)
    check_op("TopK", ["x"], {"x": x}, {}, {"k": 3, "axis": 1}, "exact", 2)
    check_op("TopK", ["x"], {"x": x}, {}, {"k": 2, "axis": 1, "largest": 0}, "exact", 2)
