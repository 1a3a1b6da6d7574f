"""IR op -> ONNX node emitters: one function per IR op family, registered by op type.

An emitter is a pure function of (node, context) that appends ONNX nodes to the context; the
last node it appends writes the IR node's own output names, so every IR tensor keeps its name in
the ONNX file (Netron shows them). Helper tensors get names derived from the node's name.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Graph, Node


@dataclass
class EmitContext:
    """The ONNX graph under construction: nodes, initializers and the names already taken."""

    graph: Graph
    node: Node = None  # type: ignore[assignment]  (set for each IR node in turn)
    attrs: dict[str, Any] = field(default_factory=dict)
    nodes: list[onnx.NodeProto] = field(default_factory=list)
    initializers: list[onnx.TensorProto] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    node_names: set[str] = field(default_factory=set)
    emitted: dict[str, list[onnx.NodeProto]] = field(default_factory=dict)  # IR node name -> its ONNX nodes

    def fresh(self, suffix: str) -> str:
        """A new tensor name derived from the current node's name."""
        base = f"{self.node.name}/{suffix}"
        name, i = base, 1
        while name in self.taken:
            name, i = f"{base}_{i}", i + 1
        self.taken.add(name)
        return name

    def const(self, suffix: str, value: Any, dtype: Any = np.int64) -> str:
        """An initializer holding ``value`` (``dtype``), named after the current node."""
        name = self.fresh(suffix)
        self.initializers.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def emit(self, op: str, inputs: list[str], outputs: list[str] | None = None, **attrs: Any) -> str:
        """Append one ONNX node; ``outputs`` default to one fresh tensor. Returns the first output."""
        outputs = outputs or [self.fresh(op.lower())]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=self.unique_node_name(op), **attrs))
        return outputs[0]

    def unique_node_name(self, op: str) -> str:
        name = self.node.name if self.node.name not in self.node_names else f"{self.node.name}/{op}"
        i = 1
        while name in self.node_names:
            name, i = f"{self.node.name}/{op}_{i}", i + 1
        self.node_names.add(name)
        return name

    def dtype(self, tensor: str) -> np.dtype:
        return np.dtype(self.graph.spec(tensor).dtype)

    def unsupported(self, message: str, hint: str | None = None) -> UnsupportedOpError:
        return UnsupportedOpError(f"to_onnx cannot express this {self.node.op}: {message}",
                                  node=self.node.name, hint=hint)


Emitter = Callable[[Node, EmitContext], None]
_EMITTERS: dict[str, Emitter] = {}


def emitter(*ops: str) -> Callable[[Emitter], Emitter]:
    """Register the decorated emitter for ``ops``; registering an op twice is an error."""

    def decorate(fn: Emitter) -> Emitter:
        for op in ops:
            if op in _EMITTERS:
                raise ValueError(f"an ONNX emitter for {op} is registered twice")
            _EMITTERS[op] = fn
        return fn

    return decorate


def get_emitter(op: str) -> Emitter | None:
    import frontc.backends.onnx.ops  # noqa: F401  (registers every emitter)
    return _EMITTERS.get(op)
