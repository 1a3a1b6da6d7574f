"""LSTM, GRU and RNN vs onnxruntime: directions, layouts, biases, initial states, sequence lengths."""
from __future__ import annotations

import numpy as np
import pytest

from tests.interpreter.onnx_single_op import assert_close, ir_op, onnx_op, randn

GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
SEQ, BATCH, INPUT, HIDDEN = 5, 3, 4, 6


def _case(op: str, direction: str, layout: int, bias: bool, lens: bool, initial: bool,
          ir_attrs: dict | None = None, **attrs):
    dirs, g = (2 if direction == "bidirectional" else 1), GATES[op]
    x = randn(BATCH, SEQ, INPUT) if layout else randn(SEQ, BATCH, INPUT)
    params = {"w": randn(dirs, g * HIDDEN, INPUT, seed=1, scale=0.5),
              "r": randn(dirs, g * HIDDEN, HIDDEN, seed=2, scale=0.5)}
    names = ["x", "w", "r"]
    names.append("b" if bias else "")
    if bias:
        params["b"] = randn(dirs, 2 * g * HIDDEN, seed=3, scale=0.5)
    names.append("lens" if lens else "")
    if lens:
        params["lens"] = np.array([5, 2, 4], np.int32)
    state = (BATCH, dirs, HIDDEN) if layout else (dirs, BATCH, HIDDEN)
    for k in range(2 if op == "LSTM" else 1):
        names.append(f"s{k}" if initial else "")
        if initial:
            params[f"s{k}"] = randn(*state, seed=4 + k)
    while not names[-1]:
        names.pop()
    outputs = 3 if op == "LSTM" else 2
    attrs = {"hidden_size": HIDDEN, "direction": direction, "layout": layout, **attrs}
    if layout:  # ORT has no batch-major kernels: run it on the seq-major form, transpose back
        seq_major = {k: v.transpose(1, 0, 2) if k.startswith("s") else v for k, v in params.items()}
        ref = onnx_op(op, names, {"x": x.transpose(1, 0, 2)}, seq_major, outputs=outputs, opset=14,
                      **{**attrs, "layout": 0})
        ref = [ref[0].transpose(2, 0, 1, 3)] + [s.transpose(1, 0, 2) for s in ref[1:]]
    else:
        ref = onnx_op(op, names, {"x": x}, params, outputs=outputs, opset=14, **attrs)
    attrs.pop("activations", None)
    got = ir_op(op, names, {"x": x}, params, {**attrs, **(ir_attrs or {})}, outputs=outputs)
    return got, ref


@pytest.mark.parametrize("op", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize("layout", [0, 1])
def test_directions_and_layouts(op: str, direction: str, layout: int) -> None:
    assert_close(*_case(op, direction, layout, bias=True, lens=False, initial=True), "compute")


@pytest.mark.parametrize("op", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("direction", ["forward", "bidirectional"])
def test_sequence_lens_without_bias(op: str, direction: str) -> None:
    assert_close(*_case(op, direction, 0, bias=False, lens=True, initial=False), "compute")


@pytest.mark.parametrize("reset", [0, 1])
def test_gru_linear_before_reset(reset: int) -> None:
    assert_close(*_case("GRU", "bidirectional", 0, bias=True, lens=True, initial=True,
                        linear_before_reset=reset), "compute")


@pytest.mark.parametrize("direction", ["forward", "bidirectional"])
def test_rnn_relu(direction: str) -> None:
    dirs = 2 if direction == "bidirectional" else 1
    got, ref = _case("RNN", direction, 0, bias=True, lens=True, initial=False,
                     ir_attrs={"activation": "Relu"}, activations=["Relu"] * dirs)
    assert_close(got, ref, "compute")
