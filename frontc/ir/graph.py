"""The IR: a Graph of Nodes over named tensors, with named params and free-form meta.

Tensors are referred to by name. A node input is a graph input, a param, or the
output of an earlier node; an empty string marks an omitted optional input.
The graph owns every mutation that changes who uses what (``replace_all_uses``,
``remove_node``, ``insert_node``), so its producer/consumer index stays right.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from frontc.ir.errors import GraphError


def merge_meta(into: dict[str, Any], other: dict[str, Any]) -> None:
    """Merge ``other`` into ``into`` recursively (dicts merge key by key; otherwise ``other`` wins)."""
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge_meta(into[key], value)
        else:
            into[key] = copy.deepcopy(value)


@dataclass
class TensorSpec:
    """Shape, dtype and (for images) layout of a tensor."""

    name: str
    shape: tuple[int, ...]
    dtype: str = "float32"
    layout: str | None = None

    def __post_init__(self) -> None:
        self.shape = tuple(int(d) for d in self.shape)
        self.dtype = str(np.dtype(self.dtype))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "shape": list(self.shape), "dtype": self.dtype}
        if self.layout:
            data["layout"] = self.layout
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TensorSpec:
        """The spec of a JSON object; ValueError for a shape that is not a list of sizes (ints >= 0)."""
        shape = data["shape"]
        if not isinstance(shape, list) or any(type(d) is not int or d < 0 for d in shape):
            raise ValueError(f"tensor '{data['name']}' has shape {shape}: sizes must be integers >= 0")
        return cls(data["name"], tuple(shape), data.get("dtype", "float32"), data.get("layout"))


@dataclass(eq=False)
class Node:
    """One operation: ``outputs = op(inputs; attrs)``. ``meta`` holds annotations."""

    name: str
    op: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Node({self.name!r}, {self.op}, {self.inputs} -> {self.outputs})"


class Graph:
    """A directed acyclic graph of nodes kept in topological order, plus params."""

    def __init__(self, name: str = "graph", nodes: Iterable[Node] = (),
                 inputs: Iterable[TensorSpec] = (), outputs: Iterable[str] = (),
                 params: dict[str, np.ndarray] | None = None,
                 meta: dict[str, Any] | None = None) -> None:
        self.name = name
        self.nodes: list[Node] = list(nodes)
        self.inputs: list[TensorSpec] = list(inputs)
        self.outputs: list[str] = list(outputs)
        self.params: dict[str, np.ndarray] = dict(params or {})
        self.meta: dict[str, Any] = dict(meta or {})
        self.tensors: dict[str, TensorSpec] = {}
        self._index: tuple[dict[str, Node], dict[str, list[Node]], dict[str, Node]] | None = None

    # ----------------------------------------------------------------- queries
    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return (f"Graph({self.name!r}, {len(self.nodes)} nodes, inputs={self.input_names}, "
                f"outputs={self.outputs}, {len(self.params)} params)")

    @property
    def input_names(self) -> list[str]:
        return [spec.name for spec in self.inputs]

    def invalidate(self) -> None:
        """Forget the producer/consumer index; call after editing node inputs by hand."""
        self._index = None

    def _build_index(self) -> tuple[dict[str, Node], dict[str, list[Node]], dict[str, Node]]:
        if self._index is None:
            producers: dict[str, Node] = {}
            consumers: dict[str, list[Node]] = {}
            by_name: dict[str, Node] = {}
            for node in self.nodes:
                by_name[node.name] = node
                for tensor in node.outputs:
                    producers[tensor] = node
                for tensor in node.inputs:
                    if tensor:
                        users = consumers.setdefault(tensor, [])
                        if not users or users[-1] is not node:
                            users.append(node)
            self._index = (producers, consumers, by_name)
        return self._index

    def node(self, name: str) -> Node:
        """The node called ``name``."""
        try:
            return self._build_index()[2][name]
        except KeyError:
            raise GraphError(f"no node named '{name}' in graph '{self.name}'") from None

    def has_node(self, name: str) -> bool:
        return name in self._build_index()[2]

    def producer(self, tensor: str) -> Node | None:
        """The node whose output is ``tensor``; None for graph inputs and params."""
        return self._build_index()[0].get(tensor)

    def consumers(self, tensor: str) -> list[Node]:
        """Nodes that read ``tensor``, in graph order (each node once)."""
        return list(self._build_index()[1].get(tensor, ()))

    def is_param(self, tensor: str) -> bool:
        return tensor in self.params

    def is_input(self, tensor: str) -> bool:
        return any(spec.name == tensor for spec in self.inputs)

    def spec(self, tensor: str) -> TensorSpec:
        """The spec of any tensor: a graph input, a param, or an inferred node output."""
        if tensor in self.params:
            value = self.params[tensor]
            return TensorSpec(tensor, value.shape, str(value.dtype))
        for spec in self.inputs:
            if spec.name == tensor:
                return spec
        if tensor in self.tensors:
            return self.tensors[tensor]
        raise GraphError(f"no shape known for tensor '{tensor}'",
                         hint="run frontc.ir.infer_shapes(graph) first")

    def tensor_names(self) -> set[str]:
        """Every tensor name in use: inputs, params and node outputs."""
        names = set(self.input_names) | set(self.params)
        for node in self.nodes:
            names.update(node.outputs)
        return names

    def unique_name(self, base: str) -> str:
        """``base``, or ``base_1``, ``base_2``... whichever is free among nodes and tensors."""
        taken = self.tensor_names() | set(self._build_index()[2])
        if base not in taken:
            return base
        i = 1
        while f"{base}_{i}" in taken:
            i += 1
        return f"{base}_{i}"

    # --------------------------------------------------------------- mutations
    def add_param(self, name: str, value: np.ndarray) -> str:
        """Store ``value`` as a param called ``name`` (made unique); returns the name used."""
        name = name if name not in self.tensor_names() else self.unique_name(name)
        self.params[name] = np.require(value, requirements="C")
        return name

    def insert_node(self, node: Node, *, before: Node | None = None,
                    after: Node | None = None) -> Node:
        """Insert ``node`` before/after another node, or append it at the end."""
        if before is not None and after is not None:
            raise ValueError("give before or after, not both")
        if before is not None:
            self.nodes.insert(self._position(before), node)
        elif after is not None:
            self.nodes.insert(self._position(after) + 1, node)
        else:
            self.nodes.append(node)
        self.invalidate()
        return node

    def _position(self, node: Node) -> int:
        for i, candidate in enumerate(self.nodes):
            if candidate is node:
                return i
        raise GraphError(f"node '{node.name}' is not in graph '{self.name}'")

    def replace_all_uses(self, old: str, new: str, *, keep_outputs: bool = False) -> int:
        """Make every reader of tensor ``old`` read ``new``; returns how many uses changed.

        Graph outputs named ``old`` are renamed too unless ``keep_outputs``.
        """
        count = 0
        for node in self.consumers(old):
            for i, tensor in enumerate(node.inputs):
                if tensor == old:
                    node.inputs[i] = new
                    count += 1
        if not keep_outputs:
            self.outputs = [new if t == old else t for t in self.outputs]
        self.invalidate()
        return count

    def rename_tensor(self, old: str, new: str) -> None:
        """Rename a tensor everywhere: its producer, its readers, graph inputs and outputs."""
        if new in self.tensor_names():
            raise GraphError(f"cannot rename '{old}' to '{new}': the name is taken")
        producer = self.producer(old)
        if producer is not None:
            producer.outputs = [new if t == old else t for t in producer.outputs]
        for spec in self.inputs:
            if spec.name == old:
                spec.name = new
        if old in self.params:
            self.params[new] = self.params.pop(old)
        if old in self.tensors:
            spec = self.tensors.pop(old)
            spec.name = new
            self.tensors[new] = spec
        self.replace_all_uses(old, new)

    def remove_node(self, node: Node, replacement: str | None = None) -> None:
        """Remove ``node``; readers of its (single) output then read ``replacement``.

        When the removed output is a graph output, the replacement's producer
        output takes the graph output's name, so output names stay stable.
        """
        if replacement is not None:
            if len(node.outputs) != 1:
                raise GraphError(f"cannot rewire node '{node.name}' with {len(node.outputs)} outputs")
            out = node.outputs[0]
            keep_name = out in self.outputs and self.producer(replacement) is not None \
                and replacement not in self.outputs
            self.nodes.remove(node)
            self.invalidate()
            self.tensors.pop(out, None)
            if keep_name:
                self.rename_tensor(replacement, out)
            else:
                self.replace_all_uses(out, replacement)
        else:
            users = [u for t in node.outputs for u in self.consumers(t)]
            if users or any(t in self.outputs for t in node.outputs):
                raise GraphError(f"cannot remove node '{node.name}': its outputs are still used",
                                 hint="pass a replacement tensor")
            self.nodes.remove(node)
            for t in node.outputs:
                self.tensors.pop(t, None)
        self.invalidate()

    def absorb(self, node: Node, follower: Node) -> None:
        """Fuse ``follower`` into ``node``: ``node`` takes over the follower's output name.

        The caller has checked that the follower is the only reader of ``node``'s
        single output and that this output is not a graph output. The fused
        node's ``meta['fused']`` lists what it absorbed, so tensor names stay
        comparable with the unfused graph; the follower's other meta (annotations)
        is merged in, the follower's values winning where both have a key, since
        the fused node's output is now the follower's.
        """
        if len(node.outputs) != 1 or len(follower.outputs) != 1:
            raise GraphError(f"cannot fuse '{follower.name}' into '{node.name}': one output each")
        old = node.outputs[0]
        self.nodes.remove(follower)
        node.outputs = list(follower.outputs)
        node.meta.setdefault("fused", []).append({"name": follower.name, "op": follower.op,
                                                  "output": follower.outputs[0]})
        node.meta["fused"].extend(follower.meta.get("fused", []))
        merge_meta(node.meta, {k: v for k, v in follower.meta.items() if k != "fused"})
        self.tensors.pop(old, None)
        self.invalidate()

    def remove_unused_params(self) -> list[str]:
        """Drop params no node reads; returns their names."""
        used = {t for node in self.nodes for t in node.inputs} | set(self.outputs)
        unused = sorted(name for name in self.params if name not in used)
        for name in unused:
            del self.params[name]
        return unused

    def toposort(self) -> None:
        """Reorder nodes topologically, keeping the current order where it is already valid."""
        from frontc.ir.validate import topological_order
        self.nodes = topological_order(self)
        self.invalidate()

    def copy(self) -> Graph:
        """A copy whose nodes, specs and meta can be edited freely (param arrays are shared)."""
        other = Graph(self.name, copy.deepcopy(self.nodes), copy.deepcopy(self.inputs),
                      list(self.outputs), dict(self.params), copy.deepcopy(self.meta))
        other.tensors = copy.deepcopy(self.tensors)
        return other
