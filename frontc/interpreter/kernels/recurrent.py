"""LSTM, GRU and RNN with ONNX semantics (see frontc.ir.ops.recurrent), one time step at a time."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.kernels.elementwise import sigmoid
from frontc.interpreter.registry import kernel
from frontc.ir.ops.recurrent import GATES


def _lstm_cell(x: np.ndarray, states: list[np.ndarray], w: np.ndarray, r: np.ndarray,
               wb: np.ndarray, rb: np.ndarray, a: dict[str, Any]) -> list[np.ndarray]:
    h, c = states
    i, o, f, g = np.split(x @ w.T + h @ r.T + wb + rb, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return [sigmoid(o) * np.tanh(c), c]


def _gru_cell(x: np.ndarray, states: list[np.ndarray], w: np.ndarray, r: np.ndarray,
              wb: np.ndarray, rb: np.ndarray, a: dict[str, Any]) -> list[np.ndarray]:
    (h,) = states
    size = h.shape[-1]
    xz, xr, xh = np.split(x @ w.T + wb, 3, axis=-1)
    rz, rr = np.split(h @ r[:2 * size].T + rb[:2 * size], 2, axis=-1)
    z, reset = sigmoid(xz + rz), sigmoid(xr + rr)
    if a["linear_before_reset"]:
        candidate = np.tanh(xh + reset * (h @ r[2 * size:].T + rb[2 * size:]))
    else:
        candidate = np.tanh(xh + (reset * h) @ r[2 * size:].T + rb[2 * size:])
    return [(1 - z) * candidate + z * h]


def _rnn_cell(x: np.ndarray, states: list[np.ndarray], w: np.ndarray, r: np.ndarray,
              wb: np.ndarray, rb: np.ndarray, a: dict[str, Any]) -> list[np.ndarray]:
    y = x @ w.T + states[0] @ r.T + wb + rb
    return [np.tanh(y) if a["activation"] == "Tanh" else np.maximum(y, 0)]


CELLS = {"LSTM": _lstm_cell, "GRU": _gru_cell, "RNN": _rnn_cell}


def recurrent(op: str, ins: list[Any], a: dict[str, Any]) -> list[np.ndarray]:
    """Run ``op`` over the sequence in every direction; returns Y and the last states."""
    x, w, r = ins[0], ins[1], ins[2]
    get = lambda i: ins[i] if len(ins) > i else None  # noqa: E731
    if a["layout"]:
        x = x.transpose(1, 0, 2)
    seq, batch, _ = x.shape
    size, dirs = a["hidden_size"], w.shape[0]
    n_states = 2 if op == "LSTM" else 1
    bias = get(3) if get(3) is not None else np.zeros((dirs, 2 * GATES[op] * size), x.dtype)
    lens = get(4) if get(4) is not None else np.full(batch, seq)
    initial = [get(5 + k) for k in range(n_states)]
    if a["layout"]:
        initial = [None if s is None else s.transpose(1, 0, 2) for s in initial]
    y = np.zeros((seq, dirs, batch, size), x.dtype)
    last = [np.zeros((dirs, batch, size), x.dtype) for _ in range(n_states)]
    for d in range(dirs):
        reverse = a["direction"] == "reverse" or d == 1
        states = [np.zeros((batch, size), x.dtype) if s is None else s[d] for s in initial]
        wb, rb = np.split(bias[d], 2)
        for t in (range(seq - 1, -1, -1) if reverse else range(seq)):
            live = (t < lens)[:, None]
            new = CELLS[op](x[t], states, w[d], r[d], wb, rb, a)
            states = [np.where(live, n, s) for n, s in zip(new, states)]
            y[t, d] = np.where(live, new[0], 0)
        for k in range(n_states):
            last[k][d] = states[k]
    if a["layout"]:
        return [y.transpose(2, 0, 1, 3).copy()] + [s.transpose(1, 0, 2).copy() for s in last]
    return [y] + last


for _op in CELLS:
    kernel(_op)(lambda ins, a, op=_op: [v.astype(ins[0].dtype, copy=False) for v in recurrent(op, ins, a)])
