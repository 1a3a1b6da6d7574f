"""Normalize equivalent forms so later passes and reconstructors see one spelling of each."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.ir.ops.elementwise import FLOAT32_MAX
from frontc.passes.base import PatternPass, constant, set_input_param, sole_consumer


class GemmToDense(PatternPass):
    """Gemm with a constant B (and a per-column or no C), or MatMul with a constant 2-d B -> Dense."""

    name = "gemm_to_dense"
    ops = ("Gemm", "MatMul")

    def match(self, graph: Graph, node: Node) -> Any | None:
        weight = constant(graph, node.inputs[1])
        if weight is None or weight.ndim != 2 or graph.spec(node.inputs[0]).dtype != "float32":
            return None
        if node.op == "MatMul":
            return True, 1.0, None, 1.0
        a = node_attrs(node)
        if a["transA"]:
            return None
        bias = None
        if len(node.inputs) > 2 and node.inputs[2]:
            bias = constant(graph, node.inputs[2])
            out_features = weight.shape[0] if a["transB"] else weight.shape[1]
            if bias is None or bias.size != out_features or (bias.ndim == 2 and bias.shape[0] != 1):
                return None
        return not a["transB"], a["alpha"], bias, a["beta"]

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        transpose, alpha, bias, beta = found
        weight = graph.params[node.inputs[1]]
        w = weight.T if transpose else weight
        if alpha != 1.0:
            w = w * np.float32(alpha)
        bias_name = node.inputs[2] if len(node.inputs) > 2 else ""
        node.op, node.attrs, node.inputs = "Dense", {}, node.inputs[:2]
        set_input_param(graph, node, 1, np.ascontiguousarray(w, dtype=np.float32), f"{node.name}.weight")
        if bias is not None:
            node.inputs.append(bias_name)
            b = bias.reshape(-1).astype(np.float32) * np.float32(beta)
            set_input_param(graph, node, 2, b, f"{node.name}.bias")
        graph.invalidate()


class DenseBiasAdd(PatternPass):
    """Dense followed by Add of a constant vector over its outputs -> Dense with that bias."""

    name = "dense_bias_add"
    ops = ("Dense",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        add = sole_consumer(graph, node)
        if add is None or add.op != "Add" or node.attrs.get("activation"):
            return None
        other = add.inputs[1] if add.inputs[0] == node.outputs[0] else add.inputs[0]
        value = constant(graph, other)
        out_features = graph.params[node.inputs[1]].shape[0] if node.inputs[1] in graph.params else None
        if value is None or out_features is None or value.size != out_features \
                or graph.spec(add.outputs[0]).shape != graph.spec(node.outputs[0]).shape:
            return None
        return add, value.reshape(-1).astype(np.float32)

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        add, value = found
        current = constant(graph, node.inputs[2]) if len(node.inputs) > 2 else None
        total = value if current is None else current + value
        set_input_param(graph, node, 2, total, f"{node.name}.bias")
        graph.absorb(node, add)


class ReshapeToFlatten(PatternPass):
    """Reshape/Squeeze from (N, ...) to (N, rest) -> Flatten(axis=1)."""

    name = "reshape_to_flatten"
    ops = ("Reshape", "Squeeze")

    def match(self, graph: Graph, node: Node) -> Any | None:
        before, after = graph.spec(node.inputs[0]).shape, graph.spec(node.outputs[0]).shape
        if len(before) > 2 and len(after) == 2 and after[0] == before[0]:
            return True
        return None

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        node.op, node.attrs = "Flatten", {"axis": 1}


class CanonicalActivations(PatternPass):
    """Clip(0, 6) -> Relu6, Clip(0, max) -> Relu, x * Sigmoid(x) -> Swish,
    x * HardSigmoid(x; 1/6, 0.5) -> HardSwish."""

    name = "canonical_activations"
    ops = ("Clip", "Mul")

    def match(self, graph: Graph, node: Node) -> Any | None:
        if node.op == "Clip":
            a = node_attrs(node)
            if a["min"] == 0 and a["max"] == 6:
                return "Relu6", {}
            if a["min"] == 0 and a["max"] >= FLOAT32_MAX:
                return "Relu", {}
            return None
        for x, gate in (node.inputs, node.inputs[::-1]):
            producer = graph.producer(gate)
            if producer is None or producer.inputs[0] != x or sole_consumer(graph, producer) is not node:
                continue
            if producer.op == "Sigmoid":
                return "Swish", {"gate": producer}
            attrs = node_attrs(producer) if producer.op == "HardSigmoid" else None
            if attrs and np.isclose(attrs["alpha"], 1 / 6) and attrs["beta"] == 0.5:
                return "HardSwish", {"gate": producer}
        return None

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        op, extra = found
        if "gate" in extra:
            node.inputs = [extra["gate"].inputs[0]]
            graph.nodes.remove(extra["gate"])
            graph.tensors.pop(extra["gate"].outputs[0], None)
        node.op, node.attrs = op, {}
        graph.invalidate()
