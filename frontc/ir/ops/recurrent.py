"""Recurrent layers with ONNX semantics: LSTM (gates i, o, f, c), GRU (z, r, h) and RNN.

X is (seq, batch, input) with layout 0 or (batch, seq, input) with layout 1. W is
(dirs, gates * hidden, input), R (dirs, gates * hidden, hidden), B (dirs, 2 * gates * hidden):
the input biases then the recurrent ones. Outputs: Y (seq, dirs, batch, hidden) [layout 1:
(batch, seq, dirs, hidden)], the last hidden state Y_h (dirs, batch, hidden) [(batch, dirs,
hidden)] and for LSTM the last cell state Y_c. ``sequence_lens`` (int32, (batch,)) ends each
sequence early: Y is zero past it and Y_h holds the state at its last step. Frontends convert
their frameworks' gate orders to these once.
"""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import need, numeric_input, require
from frontc.ir.schema import AttrSpec, Ins, register_op

DIRECTIONS = ("forward", "reverse", "bidirectional")
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
RNN_ATTRS = {"hidden_size": AttrSpec("int"), "direction": AttrSpec("str", "forward", DIRECTIONS),
             "layout": AttrSpec("int", 0, (0, 1))}


def _recurrent(ins: Ins, a: dict[str, Any], op: str, states: int):
    x, w, r = need(ins, 0, "X"), need(ins, 1, "W"), need(ins, 2, "R")
    numeric_input(x, op)
    h, gates = a["hidden_size"], GATES[op]
    dirs = 2 if a["direction"] == "bidirectional" else 1
    require(x.rank == 3, f"{op} X must be 3-d, got {x.shape}")
    seq, batch = (x.shape[1], x.shape[0]) if a["layout"] else x.shape[:2]
    require(w.shape == (dirs, gates * h, x.shape[2]), f"{op} W must be {(dirs, gates * h, x.shape[2])}, "
                                                     f"got {w.shape}")
    require(r.shape == (dirs, gates * h, h), f"{op} R must be {(dirs, gates * h, h)}, got {r.shape}")
    if len(ins) > 3 and ins[3] is not None:
        require(ins[3].shape == (dirs, 2 * gates * h), f"{op} B must be {(dirs, 2 * gates * h)}, "
                                                      f"got {ins[3].shape}")
    if len(ins) > 4 and ins[4] is not None:
        require(ins[4].shape == (batch,) and ins[4].dtype in ("int32", "int64"),
                f"{op} sequence_lens must be int ({batch},), got {ins[4].dtype}{ins[4].shape}")
    state = (batch, dirs, h) if a["layout"] else (dirs, batch, h)
    for i in range(5, 5 + states):
        if len(ins) > i and ins[i] is not None:
            require(ins[i].shape == state, f"{op} initial state {i - 4} must be {state}, got {ins[i].shape}")
    y = (batch, seq, dirs, h) if a["layout"] else (seq, dirs, batch, h)
    return [(y, x.dtype)] + [(state, x.dtype)] * states


@register_op("LSTM", ["X", "W", "R", "B?", "sequence_lens?", "initial_h?", "initial_c?"], dict(RNN_ATTRS),
             outputs=3, weights=["W", "R", "B"], family="recurrent")
def lstm(ins: Ins, a: dict[str, Any]):
    """LSTM, gates i, o, f, c (ONNX order), sigmoid/tanh/tanh; outputs Y, Y_h, Y_c."""
    return _recurrent(ins, a, "LSTM", 2)


@register_op("GRU", ["X", "W", "R", "B?", "sequence_lens?", "initial_h?"],
             {**RNN_ATTRS, "linear_before_reset": AttrSpec("int", 0, (0, 1))},
             outputs=2, weights=["W", "R", "B"], family="recurrent")
def gru(ins: Ins, a: dict[str, Any]):
    """GRU, gates z, r, h (ONNX order); linear_before_reset=1 is PyTorch's, Keras' reset_after."""
    return _recurrent(ins, a, "GRU", 1)


@register_op("RNN", ["X", "W", "R", "B?", "sequence_lens?", "initial_h?"],
             {**RNN_ATTRS, "activation": AttrSpec("str", "Tanh", ("Tanh", "Relu"))},
             outputs=2, weights=["W", "R", "B"], family="recurrent")
def rnn(ins: Ins, a: dict[str, Any]):
    """Plain (Elman) RNN: h = act(x W^T + h R^T + Wb + Rb)."""
    return _recurrent(ins, a, "RNN", 1)
