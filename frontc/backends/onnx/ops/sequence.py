"""The sequence and transformer ops -> ONNX opset 17: LSTM, GRU, RNN and LayerNormalization one to
one (the IR keeps ONNX's gate orders and layouts); InstanceNorm one to one; GroupNorm as
InstanceNormalization over the grouped channels with the per-channel affine after it; Gelu (Gelu is
opset 20) and Attention (opset 23) composed of the ops they are made of."""
from __future__ import annotations

import math

import numpy as np
import onnx

from frontc.backends.onnx.ops.nn import _present
from frontc.backends.onnx.registry import EmitContext, emitter
from frontc.ir.graph import Node


@emitter("LSTM", "GRU", "RNN")
def recurrent(node: Node, ctx: EmitContext) -> None:
    """LSTM, GRU, RNN -> the ONNX op of the same name (RNN's activation repeated per direction);
    batch-first (layout 1) as layout 0 between Transposes, which ONNX Runtime's GRU requires."""
    a = ctx.attrs
    attrs = {"hidden_size": a["hidden_size"], "direction": a["direction"]}
    if node.op == "GRU":
        attrs["linear_before_reset"] = a["linear_before_reset"]
    if node.op == "RNN":
        attrs["activations"] = [a["activation"]] * (2 if a["direction"] == "bidirectional" else 1)
    inputs = list(node.inputs)
    if len(inputs) > 4 and inputs[4] and ctx.dtype(inputs[4]) != np.int32:  # ONNX wants int32 lengths
        inputs[4] = ctx.emit("Cast", [inputs[4]], to=onnx.TensorProto.INT32)
    outputs = [out or ctx.fresh(f"unused{i}") for i, out in enumerate(node.outputs)]
    if not a["layout"]:
        ctx.emit(node.op, _trimmed(inputs), outputs, **attrs)
        return
    inputs[0] = ctx.emit("Transpose", [inputs[0]], perm=[1, 0, 2])
    for i in range(5, len(inputs)):
        if inputs[i]:
            inputs[i] = ctx.emit("Transpose", [inputs[i]], perm=[1, 0, 2])
    seq_first = [ctx.fresh(f"seq_first{i}") for i in range(len(outputs))]
    ctx.emit(node.op, _trimmed(inputs), seq_first, **attrs)
    for i, (first, out) in enumerate(zip(seq_first, outputs)):
        ctx.emit("Transpose", [first], [out], perm=[2, 0, 1, 3] if i == 0 else [1, 0, 2])


def _trimmed(inputs: list[str]) -> list[str]:
    while inputs and not inputs[-1]:
        inputs.pop()
    return inputs


@emitter("LayerNorm")
def layer_norm(node: Node, ctx: EmitContext) -> None:
    """LayerNorm -> LayerNormalization (opset 17)."""
    ctx.emit("LayerNormalization", _present(node, 3), [node.outputs[0]], axis=ctx.attrs["axis"],
             epsilon=float(ctx.attrs["epsilon"]))


@emitter("InstanceNorm")
def instance_norm(node: Node, ctx: EmitContext) -> None:
    """InstanceNorm -> InstanceNormalization."""
    ctx.emit("InstanceNormalization", list(node.inputs), [node.outputs[0]], epsilon=float(ctx.attrs["epsilon"]))


@emitter("GroupNorm")
def group_norm(node: Node, ctx: EmitContext) -> None:
    """GroupNorm -> Reshape (N, G, -1), InstanceNormalization (unit scale), Reshape back, then the
    per-channel scale and bias (GroupNormalization is opset 18)."""
    x, scale, bias = node.inputs
    shape, dtype = ctx.graph.spec(x).shape, ctx.dtype(x)
    groups = ctx.attrs["num_groups"]
    grouped = ctx.emit("Reshape", [x, ctx.const("grouped_shape", [shape[0], groups, -1])])
    normalized = ctx.emit("InstanceNormalization", [grouped, ctx.const("ones", np.ones(groups), dtype),
                                                    ctx.const("zeros", np.zeros(groups), dtype)],
                          epsilon=float(ctx.attrs["epsilon"]))
    back = ctx.emit("Reshape", [normalized, ctx.const("shape", list(shape))])
    channel = [shape[1]] + [1] * (len(shape) - 2)
    scaled = ctx.emit("Mul", [back, ctx.emit("Reshape", [scale, ctx.const("scale_shape", channel)])])
    ctx.emit("Add", [scaled, ctx.emit("Reshape", [bias, ctx.const("bias_shape", channel)])], [node.outputs[0]])


@emitter("Gelu")
def gelu(node: Node, ctx: EmitContext) -> None:
    """Gelu -> 0.5 x (1 + erf(x / sqrt 2)), or with approximate='tanh' 0.5 x (1 + tanh(sqrt(2/pi)
    (x + 0.044715 x^3)))."""
    x, dtype = node.inputs[0], ctx.dtype(node.inputs[0])
    if ctx.attrs["approximate"] == "tanh":
        cube = ctx.emit("Mul", [ctx.emit("Mul", [x, x]), x])
        inner = ctx.emit("Add", [x, ctx.emit("Mul", [cube, ctx.const("c", 0.044715, dtype)])])
        core = ctx.emit("Tanh", [ctx.emit("Mul", [inner, ctx.const("sqrt_2_pi", math.sqrt(2 / math.pi), dtype)])])
    else:
        core = ctx.emit("Erf", [ctx.emit("Div", [x, ctx.const("sqrt2", math.sqrt(2), dtype)])])
    one_plus = ctx.emit("Add", [core, ctx.const("one", 1, dtype)])
    half_x = ctx.emit("Mul", [x, ctx.const("half", 0.5, dtype)])
    ctx.emit("Mul", [half_x, one_plus], [node.outputs[0]])


@emitter("Attention")
def attention(node: Node, ctx: EmitContext) -> None:
    """Attention -> Softmax(Q K^T * scale + mask) V: Transpose, MatMul, Mul, Add, Softmax, MatMul."""
    q, k, v = node.inputs[:3]
    dtype, rank = ctx.dtype(q), len(ctx.graph.spec(k).shape)
    scale = ctx.attrs["scale"] or 1 / math.sqrt(ctx.graph.spec(q).shape[-1])
    perm = [*range(rank - 2), rank - 1, rank - 2]
    scores = ctx.emit("MatMul", [q, ctx.emit("Transpose", [k], perm=perm)])
    scores = ctx.emit("Mul", [scores, ctx.const("scale", scale, dtype)])
    if len(node.inputs) > 3 and node.inputs[3]:
        scores = ctx.emit("Add", [scores, node.inputs[3]])
    ctx.emit("MatMul", [ctx.emit("Softmax", [scores], axis=-1), v], [node.outputs[0]])
