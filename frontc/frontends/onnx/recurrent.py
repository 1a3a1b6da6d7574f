"""ONNX LSTM, GRU and RNN: the IR's ops have ONNX semantics, so attributes carry over; the
options the IR does not model (custom activations, clip, peepholes, coupled gates) are refused."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError

DEFAULT_ACTIVATIONS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"], "RNN": ["Tanh"]}


def _refuse(node: OnnxNode, what: str) -> UnsupportedOpError:
    return UnsupportedOpError(f"{node.op} with {what} is not supported", node=node.name,
                              hint="the IR's recurrent ops use the default activations, no clip "
                                   "and no peepholes")


@REGISTRY.register("LSTM", "GRU", "RNN", since=7)
def recurrent(node: OnnxNode, ctx: Context) -> list[Value]:
    """ONNX LSTM / GRU / RNN (layout 0 or 1, any direction, sequence_lens, initial states)."""
    direction = node.attr("direction", "forward")
    dirs = 2 if direction == "bidirectional" else 1
    attrs: dict[str, Any] = {"hidden_size": node.attrs["hidden_size"], "direction": direction,
                             "layout": node.attr("layout", 0)}
    activations = list(node.attr("activations", []))
    default = DEFAULT_ACTIVATIONS[node.op] * dirs
    if node.op == "RNN" and activations and len(set(activations)) == 1 and activations[0] in ("Tanh", "Relu"):
        attrs["activation"] = activations[0]
    elif activations and activations != default:
        raise _refuse(node, f"activations {activations}")
    if node.attr("clip") is not None:
        raise _refuse(node, "clip")
    if node.op == "LSTM" and (node.attr("input_forget", 0) or node.has_input(7)):
        raise _refuse(node, "input_forget or peepholes (P)")
    if node.op == "GRU":
        attrs["linear_before_reset"] = node.attr("linear_before_reset", 0)
    inputs = [ctx.x(node, i) for i in range(7 if node.op == "LSTM" else 6)]
    lens = ctx.const(node, 4)
    if lens is not None:
        inputs[4] = ctx.constant(lens.astype(np.int32), f"{node.name}/sequence_lens")
    states = 3 if node.op == "LSTM" else 2
    return ctx.emit(node, node.op, inputs, attrs, outputs=states)


@REGISTRY.register("ReverseSequence", since=10)
def reverse_sequence(node: OnnxNode, ctx: Context) -> Value:
    """ONNX ReverseSequence: the first sequence_lens[b] steps of each batch entry reversed along
    time_axis, as a GatherElements with a constant index (the lengths a constant)."""
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    lengths = ctx.need_const(node, 1, "sequence_lens")
    batch_axis, time_axis = node.attr("batch_axis", 1), node.attr("time_axis", 0)
    steps = np.arange(shape[time_axis])
    index = np.empty((shape[batch_axis], shape[time_axis]), np.int64)
    for b, length in enumerate(lengths.reshape(-1)):
        index[b] = np.where(steps < length, length - 1 - steps, steps)
    if batch_axis > time_axis:
        index = index.T
    view = [1] * len(shape)
    view[batch_axis], view[time_axis] = shape[batch_axis], shape[time_axis]
    index = np.broadcast_to(index.reshape(view), shape)
    return ctx.emit(node, "GatherElements", [x, ctx.constant(np.ascontiguousarray(index), f"{node.name}/index")],
                    {"axis": time_axis})
