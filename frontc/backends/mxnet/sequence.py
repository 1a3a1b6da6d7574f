"""The sequence and transformer ops -> MXNet 1.9 symbol ops: LSTM, GRU (linear_before_reset), RNN as
the fused RNN op (the gates put back in MXNet's order, the weights in one cuDNN-layout vector);
LayerNorm, Gelu, LogSoftmax, batched MatMul and Attention (batch_dot over the flattened batch axes),
Gather (take), Cast, comparisons (0/1 in the input's dtype: MXNet has no bool tensors) and Where."""
from __future__ import annotations

import math

import numpy as np

from frontc.backends.mxnet.builder import Entry, SymbolBuilder, emitter
from frontc.ir.graph import Node
from frontc.ir.ops.common import broadcast

MODES = {"LSTM": ("lstm", 4), "GRU": ("gru", 3)}
MX_GATES = {"LSTM": (0, 2, 3, 1), "GRU": (1, 0, 2), "RNN": (0,)}  # MXNet gate j is IR gate MX_GATES[j]
COMPARE = {"Equal": "equal", "Less": "lesser", "Greater": "greater", "LessOrEqual": "lesser_equal",
           "GreaterOrEqual": "greater_equal"}


def _param(b: SymbolBuilder, node: Node, i: int, what: str) -> np.ndarray | None:
    """The param value of input ``i`` (None when omitted); refused when it is computed."""
    if len(node.inputs) <= i or not node.inputs[i]:
        return None
    if node.inputs[i] not in b.graph.params:
        raise b.unsupported(f"a computed {what}", hint=f"MXNet's fused RNN takes {what} as stored parameters")
    return b.graph.params[node.inputs[i]]


def _gates(w: np.ndarray, op: str, size: int) -> np.ndarray:
    return np.concatenate([w[g * size:(g + 1) * size] for g in MX_GATES[op]])


@emitter("LSTM", "GRU", "RNN")
def recurrent(node: Node, b: SymbolBuilder) -> None:
    """LSTM, GRU (linear_before_reset=1), RNN -> RNN(state_outputs=True) with the flat parameter
    vector; Y reshaped and transposed to the IR's (seq, dirs, batch, hidden); batch-first by transposes."""
    a = b.attrs
    if node.op == "GRU" and not a["linear_before_reset"]:
        raise b.unsupported("linear_before_reset=0", hint="MXNet's GRU (cuDNN's) applies the reset after the matmul")
    if len(node.inputs) > 4 and node.inputs[4]:
        raise b.unsupported("sequence_lens", hint="MXNet's CPU RNN has no sequence lengths")
    size, dirs = a["hidden_size"], 2 if a["direction"] == "bidirectional" else 1
    if a["direction"] == "reverse":
        raise b.unsupported("direction reverse", hint="MXNet's RNN runs forward or bidirectional")
    mode, gates = MODES.get(node.op, (f"rnn_{a.get('activation', 'Tanh').lower()}", 1))
    w, r, bias = (_param(b, node, i, name) for i, name in ((1, "W"), (2, "R"), (3, "B")))
    if bias is None:
        bias = np.zeros((dirs, 2 * gates * size), np.float32)
    weights = [v for d in range(dirs) for v in (_gates(w[d], node.op, size), _gates(r[d], node.op, size))]
    biases = [_gates(part, node.op, size) for d in range(dirs) for part in np.split(bias[d], 2)]
    flat = np.concatenate([v.reshape(-1) for v in weights + biases]).astype(np.float32)
    x = b.entry(node.inputs[0])
    if a["layout"]:
        x = b.op("transpose", [x], axes=[1, 0, 2])
    seq, batch = b.shape(node.inputs[0])[1::-1] if a["layout"] else b.shape(node.inputs[0])[:2]
    states = []
    for i in range(5, 7 if node.op == "LSTM" else 6):
        if len(node.inputs) > i and node.inputs[i]:
            state = b.entry(node.inputs[i])
            states.append(b.op("transpose", [state], axes=[1, 0, 2]) if a["layout"] else state)
        else:
            states.append(b.op("_zeros", [], shape=[dirs, batch, size]))
    rnn = b.op("RNN", [x, b.const("parameters", flat), *states], state_size=size, num_layers=1, mode=mode,
               bidirectional=dirs == 2, state_outputs=True, p=0.0)
    y = b.op("Reshape", [rnn], shape=[seq, batch, dirs, size])
    b.entries[node.outputs[0]] = b.op("transpose", [y], name=node.outputs[0],
                                      axes=[1, 0, 2, 3] if a["layout"] else [0, 2, 1, 3])
    for k, tensor in enumerate(node.outputs[1:], start=1):
        if tensor:
            last = (rnn[0], k)
            b.entries[tensor] = (b.op("transpose", [last], name=tensor, axes=[1, 0, 2]) if a["layout"]
                                 else b.op("identity", [last], name=tensor))


@emitter("LayerNorm")
def layer_norm(node: Node, b: SymbolBuilder) -> None:
    """LayerNorm -> LayerNorm over the last axis (the normalized axes merged into one around it)."""
    shape = b.shape(node.inputs[0])
    axis = b.attrs["axis"] % len(shape)
    width = int(np.prod(shape[axis:]))
    scale, bias = [_affine(b, node, i, width) for i in (1, 2)]
    x = b.entry(node.inputs[0])
    if axis == len(shape) - 1:
        b.out("LayerNorm", [x, scale, bias], axis=-1, eps=float(b.attrs["epsilon"]))
        return
    flat = b.op("Reshape", [x], shape=[*shape[:axis], width])
    y = b.op("LayerNorm", [flat, scale, bias], axis=-1, eps=float(b.attrs["epsilon"]))
    b.out("Reshape", [y], shape=shape)


def _affine(b: SymbolBuilder, node: Node, i: int, width: int) -> Entry:
    """LayerNorm's scale (i=1) or bias (i=2) as a (width,) entry (zeros for an omitted bias)."""
    if len(node.inputs) <= i or not node.inputs[i]:
        return b.const("beta", np.zeros(width, np.float32))
    if node.inputs[i] in b.graph.params:
        return b.const("gamma" if i == 1 else "beta", b.graph.params[node.inputs[i]].reshape(width))
    return b.op("Reshape", [b.entry(node.inputs[i])], shape=[width])


@emitter("Gelu")
def gelu(node: Node, b: SymbolBuilder) -> None:
    """Gelu -> 0.5 x (1 + erf(x / sqrt 2)); the tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    x = b.entry(node.inputs[0])
    if b.attrs["approximate"] == "tanh":
        cube = b.op("elemwise_mul", [b.op("elemwise_mul", [x, x]), x])
        inner = b.op("elemwise_add", [x, b.op("_mul_scalar", [cube], scalar=0.044715)])
        core = b.op("tanh", [b.op("_mul_scalar", [inner], scalar=math.sqrt(2 / math.pi))])
    else:
        core = b.op("erf", [b.op("_div_scalar", [x], scalar=math.sqrt(2))])
    half_x = b.op("_mul_scalar", [x], scalar=0.5)
    b.out("elemwise_mul", [half_x, b.op("_plus_scalar", [core], scalar=1.0)])


@emitter("LogSoftmax")
def log_softmax(node: Node, b: SymbolBuilder) -> None:
    """LogSoftmax -> log_softmax(axis)."""
    b.out("log_softmax", [b.entry(node.inputs[0])], axis=b.attrs["axis"])


def _batched(b: SymbolBuilder, tensor: str, batch: tuple[int, ...]) -> Entry:
    """``tensor`` broadcast to the batch axes ``batch`` and flattened to 3-d (batch, rows, cols)."""
    shape = b.shape(tensor)
    full = (*batch, *shape[-2:])
    x = _ranked(b, tensor, len(full))
    if shape != full:
        x = b.op("broadcast_to", [x], shape=full)
    return b.op("Reshape", [x], shape=[-1, *shape[-2:]])


@emitter("MatMul")
def matmul(node: Node, b: SymbolBuilder) -> None:
    """MatMul -> dot (a 2-d right operand) or batch_dot over the broadcast, flattened batch axes."""
    left, right = (b.shape(t) for t in node.inputs)
    if min(len(left), len(right)) < 2:
        raise b.unsupported("a 1-d operand")
    if len(right) == 2:
        b.out("dot", [b.entry(node.inputs[0]), b.entry(node.inputs[1])])
        return
    batch = broadcast(left[:-2], right[:-2])
    y = b.op("batch_dot", [_batched(b, node.inputs[0], batch), _batched(b, node.inputs[1], batch)])
    b.out("Reshape", [y], shape=b.shape(node.outputs[0]))


@emitter("Attention")
def attention(node: Node, b: SymbolBuilder) -> None:
    """Attention -> batch_dot(Q, K^T) * scale [+ mask], softmax, batch_dot(., V) over flattened batch axes."""
    q, k, v = (b.shape(t) for t in node.inputs[:3])
    batch = broadcast(q[:-2], k[:-2], v[:-2])
    scale = b.attrs["scale"] or 1 / math.sqrt(q[-1])
    scores = b.op("batch_dot", [_batched(b, node.inputs[0], batch), _batched(b, node.inputs[1], batch)],
                  transpose_b=True)
    scores = b.op("_mul_scalar", [scores], scalar=float(np.float32(scale)))
    if len(node.inputs) > 3 and node.inputs[3]:
        full = b.op("Reshape", [scores], shape=[*batch, q[-2], k[-2]])
        padded = _ranked(b, node.inputs[3], len(batch) + 2)
        scores = b.op("Reshape", [b.op("broadcast_add", [full, padded])], shape=[-1, q[-2], k[-2]])
    weights = b.op("softmax", [scores], axis=-1)
    y = b.op("batch_dot", [weights, _batched(b, node.inputs[2], batch)])
    b.out("Reshape", [y], shape=b.shape(node.outputs[0]))


@emitter("Gather")
def gather(node: Node, b: SymbolBuilder) -> None:
    """Gather -> take(axis, mode=wrap: negative indices count from the end); a 0-d index as (1,)."""
    x, indices = node.inputs
    axis = b.attrs["axis"] % len(b.shape(x))
    if b.shape(indices) == ():
        value = b.graph.params.get(indices)
        idx = (b.const("indices", value.reshape(1)) if value is not None
               else b.op("Reshape", [b.entry(indices)], shape=[1]))
        y = b.op("take", [b.entry(x), idx], axis=axis, mode="wrap")
        b.out("Reshape", [y], shape=b.shape(node.outputs[0]))
        return
    b.out("take", [b.entry(x), b.entry(indices)], axis=axis, mode="wrap")


@emitter("Cast")
def cast(node: Node, b: SymbolBuilder) -> None:
    """Cast -> Cast(dtype); to bool -> _not_equal_scalar(0): 1/0 in the input's dtype, as comparisons
    give (refused as a graph output: MXNet has no bool tensors)."""
    if b.attrs["to"] == "bool":
        if node.outputs[0] in b.graph.outputs:
            raise b.unsupported("a cast to bool as a graph output", hint="MXNet's symbols have no bool tensors")
        b.out("_not_equal_scalar", [b.entry(node.inputs[0])], scalar=0.0)
        return
    b.out("Cast", [b.entry(node.inputs[0])], dtype=b.attrs["to"])


@emitter(*COMPARE)
def compare(node: Node, b: SymbolBuilder) -> None:
    """Equal, Less, ... -> broadcast_* (or *_scalar against a one-value param): 1/0 in the inputs'
    dtype, which Cast and Where read as the IR's bool; refused as a graph output."""
    if node.outputs[0] in b.graph.outputs:
        raise b.unsupported("a bool graph output", hint="MXNet's symbols have no bool tensors")
    left, right = node.inputs
    value = b.graph.params.get(right)
    if value is not None and value.size == 1 and b.shape(node.outputs[0]) == b.shape(left):
        b.out(f"_{COMPARE[node.op]}_scalar", [b.entry(left)], scalar=float(value.reshape(-1)[0]))
    else:
        b.out(f"broadcast_{COMPARE[node.op]}", [b.entry(left), b.entry(right)])


def _ranked(b: SymbolBuilder, tensor: str, rank: int) -> Entry:
    """``tensor`` with ones prepended to its shape up to ``rank`` (a param reshaped where it is stored:
    MXNet has no 0-d arrays; a bool param stored as 1/0 float32)."""
    shape = b.shape(tensor)
    full = (1,) * (rank - len(shape)) + shape
    value = b.graph.params.get(tensor)
    if value is not None and (full != shape or value.dtype == bool):  # MXNet stores no bool arrays: 1/0
        return b.const("operand", value.reshape(full).astype(np.float32 if value.dtype == bool else value.dtype))
    return b.entry(tensor) if full == shape else b.op("Reshape", [b.entry(tensor)], shape=full)


@emitter("Where")
def where(node: Node, b: SymbolBuilder) -> None:
    """Where -> where over the three inputs broadcast to the output shape (MXNet's where does not broadcast)."""
    out = b.shape(node.outputs[0])
    inputs = []
    for tensor in node.inputs:
        x = _ranked(b, tensor, len(out))
        inputs.append(x if b.shape(tensor) == out else b.op("broadcast_to", [x], shape=out))
    b.out("where", inputs)


@emitter("Erf")
def erf(node: Node, b: SymbolBuilder) -> None:
    """Erf -> erf."""
    b.out("erf", [b.entry(node.inputs[0])])
