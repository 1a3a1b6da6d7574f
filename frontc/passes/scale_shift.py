"""Fold constant per-channel Mul/Add/Sub/Div into the neighbouring Conv/ConvTranspose/Dense."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.passes.base import PatternPass, channel_vector, constant, float_param, set_input_param, sole_consumer
from frontc.passes.batchnorm import foldable_producer, scale_output_channels


def _other(node: Node, tensor: str) -> str:
    return node.inputs[1] if node.inputs[0] == tensor else node.inputs[0]


def _affine(graph: Graph, node: Node, tensor: str, channels: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(scale, shift) when ``node`` computes tensor * scale + shift per channel with constants."""
    if node.op not in ("Mul", "Add", "Sub", "Div"):
        return None
    if node.op in ("Sub", "Div") and node.inputs[0] != tensor:
        return None
    value = constant(graph, _other(node, tensor))
    shape = graph.spec(tensor).shape
    if value is None or graph.spec(node.outputs[0]).shape != shape:
        return None
    vector = channel_vector(value, channels, len(shape))
    if vector is None:
        return None
    vector = vector.astype(np.float64)
    ones, zeros = np.ones(channels), np.zeros(channels)
    return {"Mul": (vector, zeros), "Div": (1 / vector, zeros), "Add": (ones, vector),
            "Sub": (ones, -vector)}[node.op]


def output_channels(graph: Graph, node: Node) -> int:
    return graph.spec(node.outputs[0]).shape[1]


class FoldOutputScaleShift(PatternPass):
    """Conv/ConvTranspose/Dense followed by a constant per-channel Mul/Div/Add/Sub -> new weights and bias."""

    name = "fold_output_scale_shift"
    ops = ("Conv", "ConvTranspose", "Dense")

    def match(self, graph: Graph, node: Node) -> Any | None:
        if foldable_producer(graph, node.outputs[0]) is not node:
            return None
        follower = sole_consumer(graph, node)
        affine = _affine(graph, follower, node.outputs[0], output_channels(graph, node))
        return (follower, affine) if affine is not None else None

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        follower, (scale, shift) = found
        scale_output_channels(graph, node, scale, shift)
        graph.absorb(node, follower)


class FoldInputScale(PatternPass):
    """A constant per-channel Mul (or Div) whose only reader is a Conv (group 1) or Dense -> scaled
    input weights. Legal with zero padding, since padding zeros stay zero when scaled."""

    name = "fold_input_scale"
    ops = ("Mul", "Div")

    def match(self, graph: Graph, node: Node) -> Any | None:
        reader = sole_consumer(graph, node)
        if reader is None or reader.op not in ("Conv", "Dense") or reader.inputs[0] != node.outputs[0] \
                or not float_param(graph, reader.inputs[1]):
            return None
        if reader.op == "Conv" and node_attrs(reader)["group"] != 1:
            return None
        for tensor in node.inputs:
            if tensor in graph.params:
                continue
            if reader.op == "Dense" and len(graph.spec(tensor).shape) != 2:
                return None
            channels = graph.spec(tensor).shape[1]
            affine = _affine(graph, node, tensor, channels)
            if affine is not None:
                return reader, tensor, affine[0]
        return None

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        reader, source, scale = found
        dtype = graph.params[reader.inputs[1]].dtype
        w = graph.params[reader.inputs[1]].astype(np.float64)
        w = w * scale.reshape(1, -1, *[1] * (w.ndim - 2))
        set_input_param(graph, reader, 1, w.astype(dtype), f"{reader.name}.weight")
        graph.remove_node(node, replacement=source)
