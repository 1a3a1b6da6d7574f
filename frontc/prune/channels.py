"""Structured pruning that shrinks: remove output channels from an IR graph, and from everything that
must stay aligned with them.

Channel groups (networkx): tensors whose channel axis (axis 1) must keep the same channels form one
connected component: the input and output of activations, BatchNorm, pooling, depthwise Convs, and
per-channel Mul/Add with constants; every input and the output of a residual Add (and a Conv's fused
``residual``); Concat's inputs, each at its offset in the output. A group is pruned as a whole: a
channel removed from it is removed from every producer (Conv/Dense rows and bias), from every
per-channel param inside (BatchNorm statistics, depthwise weights, constants), and from every consumer
that sums over channels (Conv/Dense weight columns; after Flatten, the C*H*W columns of that channel).
A group that reaches a graph input or output, an op outside these rules, or a param shared by several
nodes is left whole.

Which channels: ``ratio`` removes that share of each group's channels with the lowest L1 norm of the
producers' rows (summed over producers, as Torch-Pruning's group magnitude importance); ``zero_only``
removes only channels whose producer rows are all zero (e.g. from ``Prune(pattern="channel")``).
Each tensor keeps at least one channel. The result computes what the original computes when the
consumers' weights of the removed channels are zero (the oracle the tests use).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import infer_shapes, node_attrs
from frontc.ir.ops.elementwise import ACTIVATION_OPS, UNARY_OPS
from frontc.ir.validate import lint

PASSTHROUGH = set(ACTIVATION_OPS) | set(UNARY_OPS) | {"BatchNorm", "MaxPool", "AvgPool", "GlobalAvgPool",
                                                      "GlobalMaxPool", "Identity", "Dropout"}
ELEMENTWISE = ("Add", "Sub", "Mul", "Div", "Max", "Min")
PRODUCERS = ("Conv", "Dense")


@dataclass
class ChannelGroup:
    """One set of aligned tensors: channel offsets, producers, width and the channels removed."""

    offsets: dict[str, int]
    width: int
    producers: list[Node] = field(default_factory=list)
    frozen: str = ""
    removed: list[int] = field(default_factory=list)


@dataclass
class ChannelReport:
    """What ``remove_channels`` did: per group, the tensors, width, removed count or why it was kept."""

    groups: list[ChannelGroup]
    params_before: int
    params_after: int

    def table(self) -> str:
        rows = [f"{'group (first producer)':40} {'width':>6} {'removed':>8}  note"]
        for g in self.groups:
            first = g.producers[0].name if g.producers else sorted(g.offsets)[0]
            rows.append(f"{first[:40]:40} {g.width:>6} {len(g.removed):>8}  {g.frozen}")
        rows.append(f"params {self.params_before} -> {self.params_after}")
        return "\n".join(rows)


def _is_depthwise(graph: Graph, node: Node) -> bool:
    """A Conv with one input and one output channel per group (channels stay aligned through it)."""
    if node.op != "Conv" or node.inputs[1] not in graph.params:
        return False
    group = node_attrs(node)["group"]
    return group > 1 and group == graph.spec(node.inputs[0]).shape[1] == graph.params[node.inputs[1]].shape[0]


def _channel_param_axis(graph: Graph, node: Node, tensor: str, param: str) -> int | None:
    """The axis of ``param`` that runs along ``tensor``'s channels when broadcast, or None (broadcast)."""
    value = graph.params[param]
    rank = len(graph.spec(tensor).shape)
    lead = rank - value.ndim
    if lead > 1 or value.ndim == 0:
        return None
    return 1 - lead if value.shape[1 - lead] > 1 else None


def _links(graph: Graph) -> tuple[nx.Graph, dict[str, str]]:
    """The alignment graph (edges: (a, b) with offset: channel c of a is channel c + offset of b) and the
    reasons some tensors must stay whole."""
    links = nx.Graph()
    frozen: dict[str, str] = {}
    for node in graph.nodes:
        out = node.outputs[0]
        data = [t for t in node.inputs if t and t not in graph.params]
        if node.op in PRODUCERS:
            if node.op == "Conv" and _is_depthwise(graph, node):
                links.add_edge(data[0], out, src=data[0], off=0)
            elif node.op == "Conv" and node_attrs(node)["group"] != 1:
                frozen[out] = frozen[data[0]] = f"grouped Conv {node.name}"
            if node.op == "Conv" and len(node.inputs) > 3 and node.inputs[3]:
                links.add_edge(node.inputs[3], out, src=node.inputs[3], off=0)
            links.add_node(out)
        elif node.op in PASSTHROUGH or node.op in ELEMENTWISE and len(graph.spec(out).shape) >= 2:
            for tensor in data:
                if node.op in ELEMENTWISE and graph.spec(tensor).shape != graph.spec(out).shape:
                    frozen[out] = frozen[tensor] = f"broadcasting {node.op} {node.name}"
                links.add_edge(tensor, out, src=tensor, off=0)
        elif node.op == "Concat" and node_attrs(node)["axis"] in (1, 1 - len(graph.spec(out).shape)):
            offset = 0
            for tensor in node.inputs:
                links.add_edge(tensor, out, src=tensor, off=offset)
                offset += graph.spec(tensor).shape[1]
        elif node.op == "Flatten" and all(c.op == "Dense" for c in graph.consumers(out)) and out not in graph.outputs:
            links.add_node(data[0])
        else:
            for tensor in data + list(node.outputs):
                frozen.setdefault(tensor, f"{node.op} {node.name}")
    for tensor in graph.input_names + list(graph.outputs):
        frozen[tensor] = "graph input/output"
        links.add_node(tensor)
    return links, frozen


def channel_groups(graph: Graph) -> list[ChannelGroup]:
    """Every group of aligned tensors with offsets into the group's channels, its producers and whether
    it must stay whole."""
    infer_shapes(graph)
    links, frozen = _links(graph)
    readers: dict[str, int] = {}
    for node in graph.nodes:
        for tensor in set(node.inputs):
            if tensor in graph.params:
                readers[tensor] = readers.get(tensor, 0) + 1
    groups = []
    for component in nx.connected_components(links):
        start = min(component)
        offsets = {start: 0}
        reason = ""
        for a, b in nx.bfs_edges(links, start):
            edge = links.edges[a, b]
            off = edge["off"] if edge["src"] == a else -edge["off"]   # channel c of src is c + off of dst
            offsets[b] = offsets[a] - off
        for a, b, edge in links.subgraph(component).edges(data=True):
            src, dst = (a, b) if edge["src"] == a else (b, a)
            if offsets[dst] != offsets[src] - edge["off"]:
                reason = "inconsistent channel offsets"
        low = min(offsets.values())
        offsets = {t: o - low for t, o in offsets.items()}
        width = max(o + graph.spec(t).shape[1] for t, o in offsets.items() if len(graph.spec(t).shape) >= 2)
        reason = reason or next((frozen[t] for t in sorted(component) if t in frozen), "")
        producers = [graph.producer(t) for t in offsets if graph.producer(t) is not None
                     and graph.producer(t).op in PRODUCERS and not _is_depthwise(graph, graph.producer(t))]
        group = ChannelGroup(offsets, width, sorted(producers, key=lambda n: n.name), reason)
        if not reason:
            group.frozen = _shared_params(graph, group, readers)
        groups.append(group)
    return sorted(groups, key=lambda g: min(graph.nodes.index(p) for p in g.producers) if g.producers else 0)


def _shared_params(graph: Graph, group: ChannelGroup, readers: dict[str, int]) -> str:
    for tensor in group.offsets:
        for node in graph.consumers(tensor) + ([graph.producer(tensor)] if graph.producer(tensor) else []):
            shared = [p for p in node.inputs if p in graph.params and readers[p] > 1]
            if shared:
                return f"param {shared[0]} shared by several nodes"
    return ""


def _importance(graph: Graph, group: ChannelGroup) -> np.ndarray:
    score = np.zeros(group.width)
    for node in group.producers:
        weight = np.abs(graph.params[node.inputs[1]]).reshape(graph.params[node.inputs[1]].shape[0], -1)
        start = group.offsets[node.outputs[0]]
        score[start:start + weight.shape[0]] += weight.sum(axis=1)
    return score


def _select(graph: Graph, group: ChannelGroup, ratio: float | None, zero_only: bool) -> list[int]:
    score = _importance(graph, group)
    if zero_only:
        chosen = set(np.flatnonzero(score == 0).tolist())
    else:
        chosen = set(np.argsort(score, kind="stable")[: int(ratio * group.width)].tolist())
    for tensor, start in group.offsets.items():   # every tensor keeps at least one channel
        span = range(start, start + graph.spec(tensor).shape[1])
        if all(c in chosen for c in span):
            chosen.discard(max(span, key=lambda c: score[c]))
    return sorted(chosen)


def _delete(graph: Graph, param: str, index: list[int], axis: int) -> None:
    graph.params[param] = np.ascontiguousarray(np.delete(graph.params[param], index, axis=axis))


def _shrink(graph: Graph, group: ChannelGroup, depthwise: set[str]) -> None:
    for tensor, start in group.offsets.items():
        channels = graph.spec(tensor).shape[1]
        local = [c - start for c in group.removed if start <= c < start + channels]
        if not local:
            continue
        producer = graph.producer(tensor)
        if producer is not None and producer.op in PRODUCERS:
            _delete(graph, producer.inputs[1], local, 0)
            if len(producer.inputs) > 2 and producer.inputs[2]:
                _delete(graph, producer.inputs[2], local, 0)
            if producer.name in depthwise:
                producer.attrs["group"] = node_attrs(producer)["group"] - len(local)
        elif producer is not None and producer.op == "BatchNorm":
            for param in producer.inputs[1:]:
                _delete(graph, param, local, 0)
        elif producer is not None and producer.op in ELEMENTWISE:
            for param in (t for t in producer.inputs if t in graph.params):
                axis = _channel_param_axis(graph, producer, tensor, param)
                if axis is not None:
                    _delete(graph, param, local, axis)
        for consumer in graph.consumers(tensor):
            if consumer.op in PRODUCERS and consumer.inputs[0] == tensor and consumer.name not in depthwise:
                _delete(graph, consumer.inputs[1], local, 1)
            elif consumer.op == "Flatten":
                spatial = int(np.prod(graph.spec(tensor).shape[2:], dtype=np.int64))
                columns = [c * spatial + k for c in local for k in range(spatial)]
                for dense in graph.consumers(consumer.outputs[0]):
                    _delete(graph, dense.inputs[1], columns, 1)


def remove_channels(graph: Graph, ratio: float | None = None, *, zero_only: bool = False
                    ) -> tuple[Graph, ChannelReport]:
    """A copy of ``graph`` with channels removed (see the module docstring) and a report."""
    if zero_only == (ratio is not None):
        raise OptionError("remove_channels: give either ratio= or zero_only=True")
    if ratio is not None and not 0.0 <= ratio < 1.0:
        raise OptionError(f"ratio={ratio}: the channel ratio must be in [0, 1)")
    out = graph.copy()
    before = sum(int(v.size) for v in out.params.values())
    groups = channel_groups(out)
    for group in groups:
        if not group.frozen and group.producers:
            group.removed = _select(out, group, ratio, zero_only)
    depthwise = {node.name for node in out.nodes if _is_depthwise(out, node)}
    for group in groups:
        if group.removed:
            _shrink(out, group, depthwise)
    out.tensors = {}
    out.invalidate()
    lint(out)
    return out, ChannelReport(groups, before, sum(int(v.size) for v in out.params.values()))
