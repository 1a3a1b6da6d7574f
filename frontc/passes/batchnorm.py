"""Fold BatchNorm into the Conv/ConvTranspose/Dense before it, or turn it into a
per-channel scale-and-shift (a depthwise 1x1 Conv) when nothing precedes it that can take it."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.passes.base import PatternPass, constant, float_param, set_input_param, sole_consumer

FOLDABLE = ("Conv", "ConvTranspose", "Dense")


def batchnorm_affine(graph: Graph, bn: Node) -> tuple[np.ndarray, np.ndarray] | None:
    """(scale, shift) with BatchNorm(x) == x * scale + shift per channel, if all params are constant."""
    values = [constant(graph, t) for t in bn.inputs[1:]]
    if any(v is None for v in values):
        return None
    gamma, beta, mean, var = (v.astype(np.float64) for v in values)
    scale = gamma / np.sqrt(var + node_attrs(bn)["epsilon"])
    return scale, beta - mean * scale


def scale_output_channels(graph: Graph, node: Node, scale: np.ndarray, shift: np.ndarray) -> None:
    """Rewrite ``node``'s weights and bias so its output becomes ``out * scale + shift``."""
    dtype = graph.params[node.inputs[1]].dtype
    w = graph.params[node.inputs[1]].astype(np.float64)
    if node.op == "ConvTranspose":
        group = node_attrs(node)["group"]
        per_group = w.shape[1]
        grouped = w.reshape(group, w.shape[0] // group, per_group, *w.shape[2:])
        grouped = grouped * scale.reshape(group, 1, per_group, *[1] * (w.ndim - 2))
        w = grouped.reshape(w.shape)
    else:
        w = w * scale.reshape(-1, *[1] * (w.ndim - 1))
    bias = constant(graph, node.inputs[2]) if len(node.inputs) > 2 else None
    b = np.zeros(len(scale)) if bias is None else bias.astype(np.float64)
    set_input_param(graph, node, 1, w.astype(dtype), f"{node.name}.weight")
    set_input_param(graph, node, 2, (b * scale + shift).astype(dtype), f"{node.name}.bias")


def foldable_producer(graph: Graph, tensor: str) -> Node | None:
    """The Conv/ConvTranspose/Dense producing ``tensor`` alone, with constant weights and nothing
    fused after its linear part (no activation, no residual) and floating-point weights."""
    node = graph.producer(tensor)
    if node is None or node.op not in FOLDABLE or node.attrs.get("activation"):
        return None
    if not float_param(graph, node.inputs[1]):
        return None
    if node.op == "Conv" and len(node.inputs) > 3 and node.inputs[3]:
        return None
    if node.inputs[1] not in graph.params or (len(node.inputs) > 2 and node.inputs[2]
                                              and node.inputs[2] not in graph.params):
        return None
    if node.op == "Dense" and len(graph.spec(tensor).shape) != 2:
        return None
    return node if sole_consumer(graph, node) is not None else None


class FoldBatchNorm(PatternPass):
    """BatchNorm right after a Conv/ConvTranspose/Dense (its only reader) -> folded into its weights."""

    name = "fold_batchnorm"
    ops = ("BatchNorm",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        producer = foldable_producer(graph, node.inputs[0])
        affine = batchnorm_affine(graph, node)
        return (producer, affine) if producer is not None and affine is not None else None

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        producer, (scale, shift) = found
        scale_output_channels(graph, producer, scale, shift)
        graph.absorb(producer, node)


class BatchNormToScaleShift(PatternPass):
    """A BatchNorm with no foldable producer -> depthwise 1x1 Conv (rank >= 3) or Mul + Add (rank 2)."""

    name = "batchnorm_to_scale_shift"
    ops = ("BatchNorm",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        if foldable_producer(graph, node.inputs[0]) is not None:
            return None
        return batchnorm_affine(graph, node)

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        scale, shift = (v.astype(np.float32) for v in found)
        rank = len(graph.spec(node.inputs[0]).shape)
        channels = len(scale)
        if rank >= 3:
            weight = scale.reshape(channels, 1, *[1] * (rank - 2))
            node.op, node.attrs = "Conv", {"group": channels}
            node.inputs = [node.inputs[0], graph.add_param(f"{node.name}.weight", weight),
                           graph.add_param(f"{node.name}.bias", shift)]
        else:
            factor = graph.add_param(f"{node.name}.scale", scale)
            mul_out = graph.unique_name(f"{node.name}.mul")
            mul = Node(mul_out, "Mul", [node.inputs[0], factor], [mul_out],
                       meta={"source": node.meta.get("source", node.name)})
            graph.insert_node(mul, before=node)
            node.op, node.attrs = "Add", {}
            node.inputs = [mul_out, graph.add_param(f"{node.name}.shift", shift)]
        graph.invalidate()
