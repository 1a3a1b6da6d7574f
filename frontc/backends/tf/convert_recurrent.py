"""LSTM, GRU and RNN -> keras.layers.LSTM, GRU (reset_after = linear_before_reset) and SimpleRNN.

One Keras layer per direction (the reverse one with ``go_backwards``, its output flipped back),
batch-major inside; sequence lengths become a mask (Keras keeps the state over masked steps and
zeroes their outputs). Keras gate orders: LSTM i f c o, GRU z r h; Keras has one bias for LSTM
and SimpleRNN (the IR's input and recurrent biases are summed) and two for GRU with reset_after.
"""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_ext import Reverse, SequenceMask, Stack, Take, ZeroMasked
from frontc.backends.tf.layers_shape import Transpose
from frontc.backends.tf.registry import factory
from frontc.ir.graph import Node

# Keras gate k is IR gate ORDER[op][k]
ORDER = {"LSTM": (0, 2, 3, 1), "GRU": (0, 1, 2), "RNN": (0,)}


def _gates(op: str, w: np.ndarray, size: int, axis: int = 0) -> np.ndarray:
    return np.concatenate([np.take(w, range(g * size, (g + 1) * size), axis=axis) for g in ORDER[op]], axis)


def _ungates(op: str, w: np.ndarray, size: int, axis: int = 0) -> np.ndarray:
    order = ORDER[op]
    inverse = [order.index(g) for g in range(len(order))]
    return np.concatenate([np.take(w, range(k * size, (k + 1) * size), axis=axis) for k in inverse], axis)


def _keras_layer(ctx: BuildContext, op: str, a: dict[str, Any], backwards: bool, bias: bool) -> Any:
    common = {"return_sequences": True, "return_state": True, "go_backwards": backwards, "use_bias": bias,
              "name": ctx.name("backward" if backwards else "forward"), "dtype": "float32"}
    if op == "LSTM":
        return keras.layers.LSTM(a["hidden_size"], **common)
    if op == "GRU":
        return keras.layers.GRU(a["hidden_size"], reset_after=bool(a["linear_before_reset"]), **common)
    return keras.layers.SimpleRNN(a["hidden_size"], activation=a["activation"].lower(), **common)


def _weights(op: str, a: dict[str, Any], w: np.ndarray, r: np.ndarray, b: np.ndarray | None) -> list:
    size = a["hidden_size"]
    out = [_gates(op, w.T, size, 1), _gates(op, r.T, size, 1)]
    if b is not None:
        wb, rb = np.split(b, 2)
        if op == "GRU" and a["linear_before_reset"]:
            out.append(np.stack([_gates(op, wb, size), _gates(op, rb, size)]))
        else:
            out.append(_gates(op, wb + rb, size))
    return out


def _bind(ctx: BuildContext, node: Node, a: dict[str, Any], layers: list[Any]) -> None:
    op, size = node.op, a["hidden_size"]
    sources = lambda i: [(layer.name, i) for layer in layers]  # noqa: E731
    ctx.bind_many(node.inputs[1], sources(0), lambda ws: np.stack([_ungates(op, w, size, 1).T for w in ws]))
    ctx.bind_many(node.inputs[2], sources(1), lambda ws: np.stack([_ungates(op, w, size, 1).T for w in ws]))
    if len(node.inputs) > 3 and node.inputs[3]:
        def bias(ws: list[np.ndarray]) -> np.ndarray:
            if op == "GRU" and a["linear_before_reset"]:
                return np.stack([np.concatenate([_ungates(op, w[0], size), _ungates(op, w[1], size)]) for w in ws])
            return np.stack([np.concatenate([_ungates(op, w, size), np.zeros_like(w)]) for w in ws])
        ctx.bind_many(node.inputs[3], sources(2), bias)


@factory("LSTM", "GRU", "RNN")
def recurrent(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """LSTM / GRU / RNN -> one Keras LSTM / GRU / SimpleRNN per direction."""
    op = node.op
    params = [ctx.param(t) if i < len(node.inputs) else None for i, t in enumerate(node.inputs[:4])]
    if params[1] is None or params[2] is None or (len(node.inputs) > 3 and node.inputs[3] and params[3] is None):
        raise ctx.fail("W, R and B must be params (Keras holds them as weights)")
    inputs = node.inputs + [""] * (7 - len(node.inputs))
    x = ctx.get(inputs[0], nhwc=False)
    if not a["layout"]:
        x = ctx.call(Transpose([1, 0, 2], name=ctx.name("batch_major")), x)
    steps = ctx.shape(inputs[0])[1 if a["layout"] else 0]
    mask = None
    if inputs[4]:
        mask = ctx.call(SequenceMask(steps, name=ctx.name("mask")), ctx.get(inputs[4]))
    n_states = 2 if op == "LSTM" else 1
    dirs = 2 if a["direction"] == "bidirectional" else 1
    state_split = []
    for k in range(n_states):
        if inputs[5 + k]:
            state = ctx.get(inputs[5 + k])
            state = ctx.call(Transpose([1, 0, 2], name=ctx.name(f"state{k}")), state) if a["layout"] else state
            state_split.append(state)
        else:
            state_split.append(None)
    has_bias = bool(inputs[3])
    ys, lasts, layers = [], [[] for _ in range(n_states)], []
    for d in range(dirs):
        backwards = a["direction"] == "reverse" or d == 1
        layer = _keras_layer(ctx, op, a, backwards, has_bias)
        initial = None
        if any(s is not None for s in state_split):
            if any(s is None for s in state_split):
                raise ctx.fail("give all initial states or none (Keras takes them together)")
            initial = [ctx.call(Take(d, name=ctx.name(f"state{k}_dir{d}")), s)
                       for k, s in enumerate(state_split)]
        weights = _weights(op, a, params[1][d], params[2][d], params[3][d] if has_bias else None)
        out = ctx.call(layer, x, weights, initial_state=initial, mask=mask)
        layers.append(layer)
        y = out[0]
        if backwards:
            y = ctx.call(Reverse(1, name=ctx.name(f"unreverse{d}")), y)
        if mask is not None:
            y = ctx.call(ZeroMasked(name=ctx.name(f"zero_masked{d}")), [y, mask])
        ys.append(y)
        for k in range(n_states):
            lasts[k].append(out[1 + k])
    _bind(ctx, node, a, layers)
    perm = () if a["layout"] else (1, 2, 0, 3)
    ctx.set(node.outputs[0], ctx.call(Stack(2, perm, name=ctx.name("y")), ys))
    for k in range(n_states):
        state = ctx.call(Stack(1 if a["layout"] else 0, name=ctx.name(f"state{k}_out")), lasts[k])
        ctx.set(node.outputs[1 + k], state)
