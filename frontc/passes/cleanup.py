"""Canonical clean-ups: drop no-op nodes, fold constant subgraphs, eliminate dead nodes."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import get_kernel
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.passes.base import Pass, PatternPass


class RemoveIdentity(PatternPass):
    """Remove Identity and Dropout, and Cast/Reshape/Flatten/Transpose/Squeeze that change nothing."""

    name = "remove_identity"
    ops = ("Identity", "Dropout", "Cast", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze")

    def match(self, graph: Graph, node: Node) -> Any | None:
        source = node.inputs[0]
        if node.op in ("Identity", "Dropout"):
            return source
        before, after = graph.spec(source), graph.spec(node.outputs[0])
        if before.shape != after.shape or before.dtype != after.dtype:
            return None
        if node.op == "Transpose":
            perm = node_attrs(node)["perm"] or list(range(len(before.shape)))[::-1]
            if perm != sorted(perm):
                return None
        return source

    def rewrite(self, graph: Graph, node: Node, source: str) -> None:
        graph.remove_node(node, replacement=source)


class FoldConstants(PatternPass):
    """Evaluate nodes whose inputs are all params and store their outputs as params."""

    name = "fold_constants"

    def __init__(self) -> None:
        from frontc.ir.schema import known_ops
        self.ops = tuple(known_ops())

    def match(self, graph: Graph, node: Node) -> Any | None:
        present = [t for t in node.inputs if t]
        if not present or not all(t in graph.params for t in present):
            return None
        if any(t in graph.outputs for t in node.outputs):
            return None
        return True

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        args = [graph.params[t] if t else None for t in node.inputs]
        values = get_kernel(node.op)(args, node_attrs(node))
        values = values if isinstance(values, list) else [values]
        graph.nodes.remove(node)
        graph.invalidate()
        for name, value in zip(node.outputs, values):
            graph.tensors.pop(name, None)
            graph.params[name] = np.ascontiguousarray(value)


class EliminateDeadCode(Pass):
    """Remove nodes no graph output depends on, then params nothing reads."""

    name = "eliminate_dead_code"

    def run(self, graph: Graph) -> int:
        needed = set(graph.outputs)
        keep = []
        for node in reversed(graph.nodes):
            if any(t in needed for t in node.outputs):
                keep.append(node)
                needed.update(t for t in node.inputs if t)
        removed = len(graph.nodes) - len(keep)
        if removed:
            graph.nodes = keep[::-1]
            graph.invalidate()
            graph.tensors = {k: v for k, v in graph.tensors.items() if k in needed or k in graph.outputs}
        return removed + len(graph.remove_unused_params())
