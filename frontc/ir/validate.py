"""``lint``: the rules every graph obeys; each violation names the node and the fix."""
from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from frontc.ir.errors import GraphError
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import infer_node
from frontc.ir.schema import get_schema, resolved_attrs
from frontc.ir.sparsity import check_node as check_sparsity

# extra lint rules for meta annotations, by meta key; registered by the packages that own them
_META_CHECKS: dict[str, Callable[[Graph], None]] = {}


def register_meta_check(key: str, check: Callable[[Graph], None]) -> None:
    """Make ``lint`` call ``check(graph)`` (which raises GraphError) for annotations under ``key``."""
    _META_CHECKS[key] = check


def topological_order(graph: Graph) -> list[Node]:
    """The nodes in a topological order that keeps the given order where it can.

    Raises GraphError naming the nodes of a cycle.
    """
    producers = {t: n for n in graph.nodes for t in n.outputs}
    position = {id(n): i for i, n in enumerate(graph.nodes)}
    waiting = {}
    users: dict[int, list[Node]] = {}
    for node in graph.nodes:
        deps = {id(producers[t]) for t in node.inputs if t in producers} - {id(node)}
        if any(producers.get(t) is node for t in node.inputs):
            raise GraphError("the node reads its own output (a cycle)", node=node.name,
                             hint="a node must only read tensors produced before it")
        waiting[id(node)] = len(deps)
        for dep in deps:
            users.setdefault(dep, []).append(node)
    ready = [(position[id(n)], n.name, n) for n in graph.nodes if waiting[id(n)] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, _, node = heapq.heappop(ready)
        order.append(node)
        for user in users.get(id(node), ()):
            waiting[id(user)] -= 1
            if waiting[id(user)] == 0:
                heapq.heappush(ready, (position[id(user)], user.name, user))
    if len(order) != len(graph.nodes):
        stuck = sorted(n.name for n in graph.nodes if waiting[id(n)] > 0)
        raise GraphError(f"the graph has a cycle through nodes {stuck[:8]}",
                         node=stuck[0], hint="an IR graph must be acyclic")
    return order


def lint(graph: Graph) -> None:
    """Check names, order, schemas, params and shapes; raise GraphError at the first problem.

    On success ``graph.tensors`` holds the inferred spec of every node output.
    """
    defined = _check_inputs_and_params(graph)
    seen_nodes: set[str] = set()
    all_outputs = {t for n in graph.nodes for t in n.outputs}
    stored = dict(graph.tensors)
    graph.tensors = {}
    for node in graph.nodes:
        _check_node(graph, node, defined, seen_nodes, all_outputs)
        check_sparsity(graph, node)
        for spec in infer_node(graph, node):
            old = stored.get(spec.name)
            if old is not None and (old.shape != spec.shape or old.dtype != spec.dtype):
                raise GraphError(f"stored spec of '{spec.name}' is {old.dtype}{list(old.shape)} "
                                 f"but the op gives {spec.dtype}{list(spec.shape)}", node=node.name,
                                 hint="re-run shape inference (frontc.ir.infer_shapes)")
            graph.tensors[spec.name] = spec
        defined.update(node.outputs)
    _check_finite(graph)
    if not graph.outputs:
        raise GraphError(f"graph '{graph.name}' has no outputs", hint="name at least one output")
    for out in graph.outputs:
        if out not in defined:
            raise GraphError(f"graph output '{out}' is not produced by any node, input or param",
                             hint="fix the output list")
    for check in _META_CHECKS.values():
        check(graph)


def _check_finite(graph: Graph) -> None:
    """No NaN in any param, no infinity in an op's weights (an infinite mask constant is fine)."""
    weights = {}
    for node in graph.nodes:
        schema = get_schema(node.op)
        for slot, name in zip(schema.inputs, node.inputs):
            if slot.rstrip("?*") in schema.weights and name in graph.params:
                weights.setdefault(name, node.name)
    for name, value in graph.params.items():
        if value.dtype.kind not in "fc":
            continue
        bad = np.isnan(value) if name not in weights else ~np.isfinite(value)
        if bad.any():
            where = np.unravel_index(int(np.argmax(bad)), value.shape) if value.ndim else ()
            raise GraphError(f"param '{name}' holds {int(bad.sum())} non-finite values (first "
                             f"{value[where]} at {list(map(int, where))})", node=weights.get(name),
                             hint="the weights are corrupted or diverged in training")


def _check_inputs_and_params(graph: Graph) -> set[str]:
    defined: set[str] = set()
    for spec in graph.inputs:
        if spec.name in defined:
            raise GraphError(f"graph input '{spec.name}' is declared twice")
        if spec.name in graph.params:
            raise GraphError(f"'{spec.name}' is both a graph input and a param",
                             hint="rename one of them")
        defined.add(spec.name)
    for name, value in graph.params.items():
        if not isinstance(value, np.ndarray) or value.dtype.hasobject:
            raise GraphError(f"param '{name}' is not a numeric array",
                             hint="params must be numpy arrays of numbers")
    return defined | set(graph.params)


def _check_node(graph: Graph, node: Node, defined: set[str], seen: set[str],
                all_outputs: set[str]) -> None:
    if not node.name:
        raise GraphError(f"a {node.op} node has no name", hint="give every node a unique name")
    if node.name in seen:
        raise GraphError("the node name is used twice", node=node.name,
                         hint="node names must be unique")
    seen.add(node.name)
    try:
        schema = get_schema(node.op)
    except GraphError as exc:
        raise GraphError(exc.message, node=node.name,
                         hint="convert it to IR ops in the frontend; `frontc ops` lists them") from None
    resolved_attrs(schema, node.attrs, node.name)
    low, high = schema.arity()
    present = len(node.inputs)
    if present < low or (high is not None and present > high):
        expect = f"{low}" if low == high else f"{low} to {high if high is not None else 'any'}"
        raise GraphError(f"{node.op} takes {expect} inputs, got {present}", node=node.name)
    for i, tensor in enumerate(node.inputs):
        if not tensor:
            if i < low:
                raise GraphError(f"required input {schema.inputs[i]} of {node.op} is empty",
                                 node=node.name)
            continue
        if tensor not in defined:
            if tensor in all_outputs:
                topological_order(graph)  # raises if there is a cycle
                raise GraphError(f"input '{tensor}' is produced by a later node",
                                 node=node.name, hint="call graph.toposort()")
            raise GraphError(f"input '{tensor}' is not a graph input, a param or the output of "
                             "any node (dangling input)", node=node.name,
                             hint="add the missing param or connect the producer")
    if not node.outputs or any(not t for t in node.outputs):
        raise GraphError("every node needs named outputs", node=node.name)
    for tensor in node.outputs:
        if tensor in defined:
            raise GraphError(f"output '{tensor}' is already defined", node=node.name,
                             hint="each tensor is produced once (rename the output)")

