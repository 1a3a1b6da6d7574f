"""Pass infrastructure: a pass rewrites a graph in place and says how many rewrites it made.

A ``PatternPass`` visits the nodes of some op types in order, asks ``match`` whether
a rewrite applies there (returning whatever the rewrite needs, or None), and
calls ``rewrite``. Passes never modify param arrays in place (graphs copied with
``Graph.copy`` share them): they store new arrays.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.ir.graph import Graph, Node


class Pass:
    """A graph rewrite; ``run`` returns the number of changes (0: nothing changed)."""

    name = "pass"

    def run(self, graph: Graph) -> int:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.name


class PatternPass(Pass):
    """Visit nodes whose op is in ``ops``; rewrite where ``match`` returns something."""

    ops: tuple[str, ...] = ()

    def match(self, graph: Graph, node: Node) -> Any | None:
        raise NotImplementedError

    def rewrite(self, graph: Graph, node: Node, found: Any) -> None:
        raise NotImplementedError

    def run(self, graph: Graph) -> int:
        count = 0
        for node in list(graph.nodes):
            if node.op not in self.ops or not _present(graph, node):
                continue
            found = self.match(graph, node)
            if found is not None:
                self.rewrite(graph, node, found)
                count += 1
        if count:
            graph.toposort()
        return count


def _present(graph: Graph, node: Node) -> bool:
    return graph.has_node(node.name) and graph.node(node.name) is node


# ------------------------------------------------------------ legality helpers
def sole_consumer(graph: Graph, node: Node) -> Node | None:
    """The only node reading ``node``'s single output, if the output is not a graph output."""
    if len(node.outputs) != 1 or node.outputs[0] in graph.outputs:
        return None
    users = graph.consumers(node.outputs[0])
    if len(users) != 1 or users[0].inputs.count(node.outputs[0]) != 1:
        return None
    return users[0]


def constant(graph: Graph, tensor: str) -> np.ndarray | None:
    """The value of ``tensor`` when it is a param, else None."""
    return graph.params.get(tensor) if tensor else None


def float_param(graph: Graph, tensor: str) -> bool:
    """Whether ``tensor`` is a floating-point param (folding never rewrites integer weights)."""
    value = constant(graph, tensor)
    return value is not None and np.issubdtype(value.dtype, np.floating)


def channel_vector(value: np.ndarray, channels: int, rank: int) -> np.ndarray | None:
    """``value`` as a per-channel (axis 1) vector of length ``channels`` if it broadcasts
    as one against a rank-``rank`` tensor (shapes (C,1,1), (1,C,1,1), (1,) ...), else None."""
    if value.ndim > rank:
        return None
    shape = (1,) * (rank - value.ndim) + value.shape
    if any(d != 1 for i, d in enumerate(shape) if i != 1):
        return None
    if shape[1] not in (1, channels):
        return None
    return np.broadcast_to(value.reshape(-1), (channels,)).astype(np.float32)


def set_input_param(graph: Graph, node: Node, index: int, value: np.ndarray, base: str) -> None:
    """Make input ``index`` of ``node`` a param holding ``value``.

    The param is replaced under its own name when only this node reads it;
    otherwise (or when the input is absent) a new param named after ``base`` is added.
    """
    value = np.ascontiguousarray(value)
    while len(node.inputs) <= index:
        node.inputs.append("")
    current = node.inputs[index]
    if current in graph.params and all(user is node for user in graph.consumers(current)) \
            and node.inputs.count(current) == 1 and current not in graph.outputs:
        graph.params[current] = value
        return
    node.inputs[index] = graph.add_param(base, value)
    graph.invalidate()
