"""The source framework as a runner: the original model's own per-layer values, by IR tensor name.

``source_trace(framework, source, graph, feeds)`` runs the model that ``graph`` was converted
from in its own framework (onnxruntime, PyTorch, Keras, MXNet) and returns, for every IR tensor
that stands for a source tensor or layer output, the source's value of it in the IR layout
(NCHW). Tensors are matched through the traceability the frontends record: ONNX tensor names
(``graph.meta['source_tensors']``), and otherwise the source layer of each IR node
(``graph.meta['source_names']``): a layer's output is the output of its last IR node. Fused
graphs keep the names of the tensors they kept, and ``meta['fused']`` says which node first
produced them. What cannot be matched, or whose shape differs, is left out, never guessed.
"""
from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from frontc.frontends import ALIASES
from frontc.interpreter.run import check_feeds
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

MODULES = {"onnx": "frontc.sources.onnx", "torch": "frontc.sources.torch",
           "tf": "frontc.sources.keras", "mxnet": "frontc.sources.mxnet"}

__all__ = ["MODULES", "source_outputs", "source_trace"]


def source_trace(framework: str, source: Any, graph: Graph,
                 feeds: Mapping[str, Any] | np.ndarray, **options: Any) -> dict[str, np.ndarray]:
    """The source framework's value of every IR tensor of ``graph`` it can be matched with, keyed
    by IR tensor name in graph order; ``feeds`` are the IR's (NCHW, by IR input name); ``options``
    go to the framework's runner (mxnet: ``epoch``)."""
    key = ALIASES.get(framework.lower(), framework.lower())
    if key not in MODULES:
        raise OptionError(f"unknown source framework '{framework}'", hint=f"choose one of {sorted(MODULES)}")
    values = importlib.import_module(MODULES[key]).trace(source, graph, check_feeds(graph, feeds), **options)
    matched = {}
    for node in graph.nodes:
        for tensor in node.outputs:
            value = values.get(tensor)
            if value is not None and np.shape(value) == graph.spec(tensor).shape:
                matched[tensor] = np.asarray(value)
    if not matched:
        raise OptionError(f"no tensor of the {key} model matched an IR tensor of graph '{graph.name}'",
                          hint="pass the graph that frontc converted from this very model")
    return matched


def original_producers(graph: Graph) -> dict[str, str]:
    """IR tensor -> the name of the node that produced it at import (a fused node carries the
    output of the last node it absorbed, listed in its ``meta['fused']``)."""
    producers = {}
    for node in graph.nodes:
        for tensor in node.outputs:
            absorbed = [entry["name"] for entry in node.meta.get("fused", []) if entry.get("output") == tensor]
            producers[tensor] = absorbed[-1] if absorbed else node.name
    return producers


def source_outputs(graph: Graph, *, nested: bool = False) -> dict[str, list[str]]:
    """Source layer -> the output tensors of its last IR node at import, when still in ``graph``.

    With ``nested``, a dotted source (``layer1.0.conv1``) also counts for its parents
    (``layer1.0``, ``layer1``): the last op inside a PyTorch module yields its output.
    """
    names = graph.meta.get("source_names") or {n.name: n.meta["source"] for n in graph.nodes
                                                if "source" in n.meta}
    last: dict[str, str] = {}
    for node_name, source in names.items():  # in import order
        parts = source.split(".") if nested else [source]
        for i in range(1, len(parts) + 1):
            last[".".join(parts[:i])] = node_name
    produced: dict[str, list[str]] = {}
    for tensor, node_name in original_producers(graph).items():
        produced.setdefault(node_name, []).append(tensor)
    return {source: produced[name] for source, name in last.items() if name in produced}
