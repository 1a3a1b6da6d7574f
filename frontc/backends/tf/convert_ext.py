"""The IR ops of sequence and transformer models as Keras layers: LayerNormalization,
GroupNormalization, LSTM / GRU / SimpleRNN, and small layers for logic, Gelu, axis ops and Einsum.

Elementwise ops keep the layout their inputs are held in; ops with an axis or an equation run
on the IR (NCHW) form.
"""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_ext import (
    Attention,
    AxisOp,
    Einsum,
    Function,
    GatherElements,
    GatherND,
    Gelu,
    Scatter,
)
from frontc.backends.tf.registry import factory
from frontc.ir.graph import Node
from frontc.ir.ops.linalg import parse_einsum
from frontc.ir.ops.logic import COMPARE_OPS, LOGIC_OPS

L = keras.layers


@factory(*COMPARE_OPS, *LOGIC_OPS, "Not", "Where", "Mod")
def logic(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Comparisons, And/Or/Xor/Not, Where, Mod -> a Function layer on the IR form of the inputs."""
    xs = [ctx.get(t, nhwc=False) for t in node.inputs]
    layer = Function("FMod" if node.op == "Mod" and a["fmod"] else node.op, name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, xs if len(xs) > 1 else xs[0]))


@factory("Gelu")
def gelu(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Gelu -> a Gelu layer (keras.ops.gelu, exact or tanh), in the layout held."""
    x = node.inputs[0]
    layer = Gelu(a["approximate"] == "tanh", name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(x)), ctx.is_nhwc(x))


@factory("LogSoftmax", "ArgMax", "ArgMin", "TopK", "CumSum")
def axis_op(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """LogSoftmax, ArgMax/ArgMin, TopK (a stable sort), CumSum -> an AxisOp layer on the IR form."""
    x = node.inputs[0]
    options = {k: v for k, v in a.items() if k != "axis"}
    layer = AxisOp(node.op, a["axis"] % ctx.rank(x), options, name=ctx.name())
    y = ctx.call(layer, ctx.get(x, nhwc=False))
    for name, value in zip(node.outputs, y if node.op == "TopK" else [y]):
        ctx.set(name, value)


@factory("Det")
def det(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Det -> a Function layer (tf.linalg.det) on the IR form."""
    ctx.set(node.outputs[0], ctx.call(Function("Det", name=ctx.name()), ctx.get(node.inputs[0], nhwc=False)))


@factory("Einsum")
def einsum(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Einsum -> an Einsum layer (tf.einsum) with the explicit equation."""
    terms, rhs = parse_einsum(a["equation"], [ctx.rank(t) for t in node.inputs])
    xs = [ctx.get(t, nhwc=False) for t in node.inputs]
    layer = Einsum(f"{','.join(terms)}->{rhs}", name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, xs if len(xs) > 1 else xs[0]))


def _params(ctx: BuildContext, node: Node, indices: tuple[int, ...]) -> list[np.ndarray | None]:
    values = []
    for i in indices:
        name = node.inputs[i] if i < len(node.inputs) else ""
        value = ctx.param(name)
        if name and value is None:
            raise ctx.fail(f"input {i} ('{name}') must be a param (Keras holds it as a weight)")
        values.append(value)
    return values


@factory("LayerNorm")
def layer_norm(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """LayerNorm -> LayerNormalization over the trailing axes (IR form)."""
    x = node.inputs[0]
    rank = ctx.rank(x)
    scale, bias = _params(ctx, node, (1, 2))
    axes = list(range(a["axis"] % rank, rank))
    layer = L.LayerNormalization(axis=axes, epsilon=a["epsilon"], center=bias is not None,
                                 name=ctx.name(), **ctx.float_kwargs(x))
    y = ctx.call(layer, ctx.get(x, nhwc=False), [scale] + ([bias] if bias is not None else []))
    ctx.bind(node.inputs[1], layer, 0, lambda w: w)
    if bias is not None:
        ctx.bind(node.inputs[2], layer, 1, lambda w: w)
    ctx.set(node.outputs[0], y)


@factory("GroupNorm", "InstanceNorm")
def group_norm(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """GroupNorm / InstanceNorm -> GroupNormalization over the channels-last form (InstanceNorm:
    one group per channel)."""
    x = node.inputs[0]
    scale, bias = _params(ctx, node, (1, 2))
    channels = ctx.shape(x)[1]
    groups = a["num_groups"] if node.op == "GroupNorm" else channels
    layer = L.GroupNormalization(groups, axis=-1, epsilon=a["epsilon"], name=ctx.name(),
                                 **ctx.float_kwargs(x))
    source = ctx.channels_last(x) if ctx.rank(x) > 2 else ctx.get(x)
    y = ctx.call(layer, source, [scale, bias])
    ctx.bind(node.inputs[1], layer, 0, lambda w: w)
    ctx.bind(node.inputs[2], layer, 1, lambda w: w)
    if ctx.rank(x) > 2:
        ctx.set_channels_last(node.outputs[0], y)
    else:
        ctx.set(node.outputs[0], y)


@factory("Attention")
def attention(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Attention -> an Attention layer (tf.matmul, softmax, matmul) on the IR form."""
    xs = [ctx.get(t, nhwc=False) for t in node.inputs if t]
    scale = a["scale"] or 1.0 / float(np.sqrt(ctx.shape(node.inputs[0])[-1]))
    ctx.set(node.outputs[0], ctx.call(Attention(scale, name=ctx.name()), xs))


@factory("GatherElements")
def gather_elements(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """GatherElements -> a GatherElements layer (take_along_axis) on the IR form."""
    x, index = node.inputs
    layer = GatherElements(a["axis"] % ctx.rank(x), ctx.shape(index), name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, [ctx.get(x, nhwc=False), ctx.get(index, nhwc=False)]))


@factory("GatherND")
def gather_nd(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """GatherND -> tf.gather_nd on the IR form."""
    xs = [ctx.get(t, nhwc=False) for t in node.inputs]
    ctx.set(node.outputs[0], ctx.call(GatherND(a["batch_dims"], name=ctx.name()), xs))


@factory("ScatterND", "ScatterElements")
def scatter(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """ScatterND / ScatterElements -> tf.tensor_scatter_nd_* on the IR form (no 'mul' reduction in TF)."""
    if a["reduction"] == "mul":
        raise ctx.fail("reduction 'mul' has no tf.tensor_scatter_nd form")
    axis = a["axis"] % ctx.rank(node.inputs[0]) if node.op == "ScatterElements" else -1
    xs = [ctx.get(t, nhwc=False) for t in node.inputs]
    ctx.set(node.outputs[0], ctx.call(Scatter(axis, a["reduction"], name=ctx.name()), xs))
