"""The MXNet symbol under construction and the op-emitter registry.

An emitter is a pure function of (node, builder) that adds MXNet op nodes and binds each IR output
tensor to the MXNet entry that computes it. The node that computes an IR tensor is named after the
tensor, so the symbol keeps the IR's names; params become ``arg:``/``aux:`` variables of their IR names.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np

from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Graph, Node

Entry = tuple[int, int]  # (MXNet node index, output index)
MXNET_VERSION = 10901


def mx_attr(value: Any) -> str:
    """An attribute as MXNet's JSON spells it: tuples as '(1, 2)', bools as 'True', numbers as str."""
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(str(int(v)) if float(v).is_integer() else repr(float(v)) for v in value) + \
            ("," if len(value) == 1 else "") + ")"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, float):
        return repr(value)
    return str(value)


class SymbolBuilder:
    """Nodes, variables and params of the MXNet symbol being written."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.nodes: list[dict[str, Any]] = []
        self.entries: dict[str, Entry] = {}
        self.names: set[str] = set()
        self.args: dict[str, np.ndarray] = {}
        self.aux: dict[str, np.ndarray] = {}
        self.node: Node | None = None
        self.attrs: dict[str, Any] = {}

    def unique(self, name: str) -> str:
        out, i = name, 1
        while out in self.names:
            out, i = f"{name}_{i}", i + 1
        self.names.add(out)
        return out

    def variable(self, name: str, value: np.ndarray | None = None, aux: bool = False) -> Entry:
        """A null node (graph input, or a param stored under ``arg:``/``aux:``)."""
        self.nodes.append({"op": "null", "name": self.unique(name), "inputs": []})
        if value is not None:
            (self.aux if aux else self.args)[self.nodes[-1]["name"]] = np.asarray(value)
        return (len(self.nodes) - 1, 0)

    def const(self, suffix: str, value: np.ndarray) -> Entry:
        """A new param holding ``value``, named after the current node."""
        return self.variable(f"{self.node.name}/{suffix}", np.asarray(value))

    def entry(self, tensor: str, aux: bool = False) -> Entry:
        """The MXNet entry of an IR tensor (a param becomes a variable on first use)."""
        if tensor not in self.entries:
            if tensor not in self.graph.params:
                raise UnsupportedOpError(f"tensor '{tensor}' has no MXNet producer", node=self.node.name)
            self.entries[tensor] = self.variable(tensor, self.graph.params[tensor], aux)
        return self.entries[tensor]

    def op(self, op: str, inputs: list[Entry], name: str | None = None, **attrs: Any) -> Entry:
        """Add an MXNet op node; ``name`` defaults to one derived from the current node."""
        name = self.unique(name or f"{self.node.outputs[0]}/{op.lower()}")
        self.nodes.append({"op": op, "name": name, "attrs": {k: mx_attr(v) for k, v in attrs.items()},
                           "inputs": [[i, o, 0] for i, o in inputs]})
        return (len(self.nodes) - 1, 0)

    def out(self, op: str, inputs: list[Entry], **attrs: Any) -> Entry:
        """Add the op that computes the node's (only) output, named and bound as that IR tensor."""
        tensor = self.node.outputs[0]
        self.entries[tensor] = self.op(op, inputs, name=tensor, **attrs)
        return self.entries[tensor]

    def shape(self, tensor: str) -> tuple[int, ...]:
        return self.graph.spec(tensor).shape

    def unsupported(self, message: str, hint: str | None = None) -> UnsupportedOpError:
        return UnsupportedOpError(f"to_mxnet cannot express this {self.node.op}: {message}",
                                  node=self.node.name, hint=hint)

    def symbol_json(self, heads: list[Entry]) -> str:
        arg_nodes = [i for i, n in enumerate(self.nodes) if n["op"] == "null"]
        return json.dumps({"nodes": self.nodes, "arg_nodes": arg_nodes,
                           "node_row_ptr": list(range(len(self.nodes) + 1)),
                           "heads": [[i, o, 0] for i, o in heads],
                           "attrs": {"mxnet_version": ["int", MXNET_VERSION]}}, indent=2)


Emitter = Callable[[Node, SymbolBuilder], None]
_EMITTERS: dict[str, Emitter] = {}


def emitter(*ops: str) -> Callable[[Emitter], Emitter]:
    """Register the decorated emitter for ``ops``; registering an op twice is an error."""

    def decorate(fn: Emitter) -> Emitter:
        for op in ops:
            if op in _EMITTERS:
                raise ValueError(f"an MXNet emitter for {op} is registered twice")
            _EMITTERS[op] = fn
        return fn

    return decorate


def get_emitter(op: str) -> Emitter | None:
    import frontc.backends.mxnet.detection  # noqa: F401  (registers every emitter)
    import frontc.backends.mxnet.ops  # noqa: F401
    import frontc.backends.mxnet.reductions  # noqa: F401
    import frontc.backends.mxnet.sequence  # noqa: F401
    return _EMITTERS.get(op)
