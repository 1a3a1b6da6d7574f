"""GraphBuilder: what every frontend uses to emit IR nodes with unique, traceable names."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from frontc.ir.graph import Graph, Node, TensorSpec
from frontc.ir.infer import infer_node
from frontc.ir.validate import lint


class GraphBuilder:
    """Builds a Graph node by node, inferring shapes as it goes.

    Every IR node records the source layer it came from in ``meta['source']``,
    and ``graph.meta['source_names']`` maps IR node names to source layer names.
    """

    def __init__(self, name: str, framework: str, framework_version: str = "") -> None:
        self.graph = Graph(name, meta={"framework": framework, "framework_version": framework_version,
                                       "layout": "NCHW", "source_names": {}})
        self._names: set[str] = set()

    def unique(self, base: str) -> str:
        base = base or "node"
        name, i = base, 1
        while name in self._names:
            name, i = f"{base}_{i}", i + 1
        self._names.add(name)
        return name

    def input(self, name: str, shape: Sequence[int], dtype: str = "float32",
              layout: str | None = None) -> str:
        name = self.unique(name)
        self.graph.inputs.append(TensorSpec(name, tuple(shape), dtype, layout))
        return name

    def param(self, name: str, value: Any, dtype: str | None = None) -> str:
        """Store ``value`` as a param (contiguous, float32 unless it is integer or ``dtype``)."""
        array = np.asarray(value)
        if dtype is not None:
            array = array.astype(dtype)
        elif array.dtype == np.float64:
            array = array.astype(np.float32)
        name = self.unique(name)
        self.graph.params[name] = np.require(array, requirements="C")  # keeps 0-d arrays 0-d
        return name

    def add(self, op: str, inputs: Sequence[str], attrs: dict[str, Any] | None = None, *,
            name: str, source: str | None = None, outputs: int = 1,
            meta: dict[str, Any] | None = None) -> list[str]:
        """Add a node; returns its output tensor names (``name``, ``name:1``, ...)."""
        node_name = self.unique(name)
        outs = [node_name] + [self.unique(f"{node_name}:{i}") for i in range(1, outputs)]
        node = Node(node_name, op, list(inputs), outs, dict(attrs or {}), dict(meta or {}))
        if source is not None:
            node.meta["source"] = source
            self.graph.meta["source_names"][node_name] = source
        self.graph.nodes.append(node)
        self.graph.invalidate()
        for spec in infer_node(self.graph, node):
            self.graph.tensors[spec.name] = spec
        return outs

    def add1(self, op: str, inputs: Sequence[str], attrs: dict[str, Any] | None = None, *,
             name: str, source: str | None = None) -> str:
        """``add`` for single-output ops; returns the output name."""
        return self.add(op, inputs, attrs, name=name, source=source)[0]

    def shape(self, tensor: str) -> tuple[int, ...]:
        return self.graph.spec(tensor).shape

    def finish(self, outputs: Sequence[str]) -> Graph:
        """Set the outputs, drop unused params, lint and return the graph."""
        self.graph.outputs = list(outputs)
        self.graph.remove_unused_params()
        lint(self.graph)
        return self.graph
