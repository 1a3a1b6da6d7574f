"""Cancel inverse Transpose pairs and collapse chains of reshapes."""
from __future__ import annotations

from typing import Any

from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.passes.base import PatternPass

RESHAPES = ("Reshape", "Flatten", "Squeeze", "Unsqueeze")


def _perm(graph: Graph, node: Node) -> list[int]:
    return node_attrs(node)["perm"] or list(range(len(graph.spec(node.inputs[0]).shape)))[::-1]


class CancelTransposes(PatternPass):
    """Transpose(Transpose(x, p), q): read x directly when q undoes p, else one Transpose."""

    name = "cancel_transposes"
    ops = ("Transpose",)

    def match(self, graph: Graph, node: Node) -> Any | None:
        first = graph.producer(node.inputs[0])
        if first is None or first.op != "Transpose":
            return None
        p, q = _perm(graph, first), _perm(graph, node)
        return first, [p[i] for i in q]

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        first, combined = found
        if combined == sorted(combined):
            graph.remove_node(node, replacement=first.inputs[0])
        else:
            node.inputs = [first.inputs[0]]
            node.attrs = {"perm": combined}
            graph.invalidate()


class MergeReshapes(PatternPass):
    """A reshape of a reshape -> one Reshape from the first input to the final shape."""

    name = "merge_reshapes"
    ops = RESHAPES

    def match(self, graph: Graph, node: Node) -> Any | None:
        first = graph.producer(node.inputs[0])
        return first if first is not None and first.op in RESHAPES else None

    def rewrite(self, graph: Graph, node: Node, first: Any) -> None:
        node.inputs = [first.inputs[0]]
        node.op, node.attrs = "Reshape", {"shape": list(graph.spec(node.outputs[0]).shape)}
        graph.invalidate()
