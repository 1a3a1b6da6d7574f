"""Fusions for the C model: explicit Pad into Conv/Pool, residual Add into Conv, activations into
the Conv/ConvTranspose/Dense that produces their input."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.ir.ops.elementwise import ACTIVATION_OPS
from frontc.ir.schema import FUSABLE_ACTIVATIONS
from frontc.passes.base import PatternPass, sole_consumer


class FusePad(PatternPass):
    """Constant Pad of the spatial axes only -> the pads of the Conv, MaxPool or AvgPool reading it."""

    name = "fuse_pad"
    ops = ("Pad",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        a = node_attrs(node)
        reader = sole_consumer(graph, node)
        rank = len(graph.spec(node.inputs[0]).shape)
        pads = a["pads"]
        if reader is None or a["mode"] != "constant" or reader.inputs[0] != node.outputs[0] or rank < 3:
            return None
        if any(pads[i] or pads[i + rank] for i in (0, 1)) or min(pads) < 0:
            return None
        value = a["value"]
        if reader.op == "Conv" and value == 0:
            pass
        elif reader.op == "MaxPool" and value <= -3.4e38:
            pass
        elif reader.op == "AvgPool" and value == 0 and not any(node_attrs(reader)["pads"]):
            pass
        else:
            return None
        return reader, pads[2:rank] + pads[rank + 2:]

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        reader, extra = found
        n = len(extra) // 2
        current = node_attrs(reader)["pads"] or [0] * (2 * n)
        reader.attrs["pads"] = [int(c + e) for c, e in zip(current, extra)]
        if reader.op == "AvgPool":
            reader.attrs["count_include_pad"] = 1
        reader.meta.setdefault("fused", []).append({"name": node.name, "op": "Pad",
                                                    "output": node.outputs[0]})
        graph.remove_node(node, replacement=node.inputs[0])


class FuseResidual(PatternPass):
    """Add(conv_out, other) where the Conv has no activation yet -> Conv with ``residual=other``."""

    name = "fuse_residual"
    ops = ("Add",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        out_shape = graph.spec(node.outputs[0]).shape
        candidates = []
        for side in (0, 1):
            conv = graph.producer(node.inputs[side])
            other = node.inputs[1 - side]
            if conv is None or conv.op != "Conv" or sole_consumer(graph, conv) is not node:
                continue
            if conv.attrs.get("activation") or (len(conv.inputs) > 3 and conv.inputs[3]):
                continue
            if node.inputs[0] == node.inputs[1] or graph.spec(other).shape != out_shape \
                    or graph.spec(conv.outputs[0]).shape != out_shape:
                continue
            candidates.append((graph.nodes.index(conv), conv, other))
        return max(candidates, key=lambda c: c[0])[1:] if candidates else None

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        conv, other = found
        while len(conv.inputs) < 3:
            conv.inputs.append("")
        conv.inputs[3:] = [other]
        graph.absorb(conv, node)
        graph.toposort()


class FuseActivation(PatternPass):
    """An activation whose input comes only from a Conv/ConvTranspose/Dense -> its ``activation`` attr."""

    name = "fuse_activation"
    ops = tuple(op for op in FUSABLE_ACTIVATIONS if op)

    def match(self, graph: Graph, node: Node) -> Any | None:
        producer = graph.producer(node.inputs[0])
        if producer is None or producer.op not in ("Conv", "ConvTranspose", "Dense"):
            return None
        if producer.attrs.get("activation") or sole_consumer(graph, producer) is not node:
            return None
        return producer

    def rewrite(self, graph: Graph, node: Node, producer: Any) -> None:
        a = node_attrs(node)
        producer.attrs["activation"] = node.op
        params = [float(np.float32(a[name])) for name in ACTIVATION_OPS[node.op]]
        if params:
            producer.attrs["activation_params"] = params
        graph.absorb(producer, node)
