"""MXNet's fused RNN op (Gluon rnn.LSTM / GRU / RNN): the flat parameter vector (cuDNN layout: every
layer's and direction's i2h and h2h weights, then their biases) is split, the gates reordered once
(MXNet LSTM i f c o, GRU r z n -> the IR's i o f c, z r h) and one IR node emitted per layer."""
from __future__ import annotations

import numpy as np

from frontc.frontends.mxnet.context import REG, Context
from frontc.frontends.mxnet.symbol import MxNode

MODES = {"lstm": ("LSTM", 4), "gru": ("GRU", 3), "rnn_tanh": ("RNN", 1), "rnn_relu": ("RNN", 1)}
ORDER = {"LSTM": (0, 3, 1, 2), "GRU": (1, 0, 2), "RNN": (0,)}  # IR gate k is MXNet gate ORDER[k]
# inputs the converter reads from the symbol itself (weights, zero begin states), not as IR tensors
PARAMETER_INPUTS = (1, 2, 3)


def _flat_parameters(node: MxNode, ctx: Context) -> np.ndarray:
    """The RNN's flat parameter vector: a stored weight, or _rnn_param_concat of reshaped weights."""
    src = ctx.source(node, 1)
    if src.op == "null" and src.name in ctx.params:
        return ctx.params[src.name].reshape(-1)
    if src.op not in ("_rnn_param_concat", "Concat", "concat"):
        raise ctx.unsupported(node, f"parameters computed by {src.op}")
    parts = []
    for i in range(len(src.inputs)):
        part = ctx.source(src, i)
        while part.op in ("Reshape", "reshape", "Flatten") and part.inputs:
            part = ctx.source(part, 0)
        if part.op != "null" or part.name not in ctx.params:
            raise ctx.unsupported(node, f"a parameter computed by {part.op} '{part.name}'")
        parts.append(ctx.params[part.name].reshape(-1))
    return np.concatenate(parts)


def _gates(w: np.ndarray, op: str, size: int) -> np.ndarray:
    return np.concatenate([w[g * size:(g + 1) * size] for g in ORDER[op]])


@REG.register("RNN")
def rnn(node: MxNode, ctx: Context) -> list[str]:
    """MXNet RNN (mode lstm / gru / rnn_tanh / rnn_relu, any depth, bidirectional, TNC) -> one IR
    LSTM / GRU / RNN per layer; zero begin states only, no projection, clipping or sequence lengths."""
    mode = node.get_str("mode")
    if mode not in MODES:
        raise ctx.unsupported(node, f"mode={mode}")
    if node.get_str("projection_size", "None") != "None" or node.get_bool("use_sequence_length", False) \
            or node.get_str("lstm_state_clip_min", "None") != "None":
        raise ctx.unsupported(node, "a projection, sequence lengths or state clipping")
    op, gates = MODES[mode]
    for i in range(2, len(node.inputs)):
        if ctx.source(node, i).op not in ("_zeros", "zeros"):
            raise ctx.unsupported(node, "begin states other than zeros")
    x = ctx.x(node, 0)
    seq, batch, features = ctx.shape(x)
    size, layers = node.get_int("state_size"), node.get_int("num_layers", 1)
    dirs = 2 if node.get_bool("bidirectional", False) else 1
    flat = _flat_parameters(node, ctx)
    weights, offset = [], 0
    for layer in range(layers):
        width = features if layer == 0 else dirs * size
        for _ in range(dirs):
            w = flat[offset:offset + gates * size * width].reshape(gates * size, width)
            offset += w.size
            r = flat[offset:offset + gates * size * size].reshape(gates * size, size)
            offset += r.size
            weights.append([w, r])
    for entry in weights:
        entry.append(flat[offset:offset + 2 * gates * size])
        offset += 2 * gates * size
    if offset != flat.size:
        raise ctx.unsupported(node, f"a parameter vector of {flat.size} values ({offset} expected)")
    attrs = {"hidden_size": size, "direction": "bidirectional" if dirs == 2 else "forward"}
    if op == "GRU":
        attrs["linear_before_reset"] = 1
    if op == "RNN":
        attrs["activation"] = "Relu" if mode == "rnn_relu" else "Tanh"
    finals: list[list[str]] = [[] for _ in range(2 if op == "LSTM" else 1)]
    for layer in range(layers):
        chunk = weights[layer * dirs:(layer + 1) * dirs]
        tag = f"_l{layer}"
        w = np.stack([_gates(c[0], op, size) for c in chunk])
        r = np.stack([_gates(c[1], op, size) for c in chunk])
        b = np.stack([np.concatenate([_gates(c[2][:gates * size], op, size),
                                      _gates(c[2][gates * size:], op, size)]) for c in chunk])
        inputs = [x] + [ctx.constant(v, node, f"{tag}_{k}", "float32") for k, v in (("W", w), ("R", r), ("B", b))]
        outs = ctx.add_multi(op, inputs, attrs, node, len(finals) + 1, suffix=tag)
        y = ctx.add("Transpose", [outs[0]], {"perm": [0, 2, 1, 3]}, node, suffix=f"{tag}_y_t")
        x = ctx.add("Reshape", [y], {"shape": [seq, batch, dirs * size]}, node, suffix=f"{tag}_y")
        for k, last in enumerate(outs[1:]):
            finals[k].append(last)
    states = [f[0] if len(f) == 1 else ctx.add("Concat", f, {"axis": 0}, node, suffix=f"_state{k}")
              for k, f in enumerate(finals)]
    return [x, *states] if node.get_bool("state_outputs", False) else [x]
