"""Record pruning patterns in an IR: ``meta["sparsity"]`` on the nodes whose weights were pruned.

``annotate(graph, patterns)`` takes ``Prune.patterns()`` (parameter name -> {'pattern', 'rate'}),
finds the Conv/ConvTranspose/Dense reading each parameter as its weight, records the pattern on it,
and lints the graph, so a weight that breaks its pattern is reported with its node name. Annotate
the imported graph before the pipelines: the record stays on the node through BatchNorm folding.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.ir.sparsity import META_KEY, parse_pattern, pruned_units, violation
from frontc.ir.validate import lint
from frontc.prune.frameworks import normalize_name

WEIGHTED = ("Conv", "ConvTranspose", "Dense")


def annotate(graph: Graph, patterns: Mapping[str, Mapping[str, Any]]) -> Graph:
    """``graph`` (changed in place) with each pruned weight's pattern on its node; linted."""
    by_weight = {node.inputs[1]: node for node in graph.nodes if node.op in WEIGHTED and len(node.inputs) > 1}
    for name, record in patterns.items():
        node = by_weight.get(normalize_name(name)) or by_weight.get(name)
        if node is None:
            raise OptionError(f"pattern for '{name}': no Conv/Dense node of graph '{graph.name}' reads it as weight",
                              hint=f"weights look like {sorted(by_weight)[:3]}")
        node.meta[META_KEY] = {"pattern": str(record["pattern"]), "rate": float(record["rate"])}
    lint(graph)
    return graph


def annotate_zeros(graph: Graph, pattern: str) -> Graph:
    """``graph`` (changed in place) with ``pattern`` recorded on every Conv/ConvTranspose/Dense whose weight
    has zeros, at the share its zeros prune: a model file loses Prune's per-layer record, its training
    record (``frontc.models.record``) still names the pattern. A weight whose zeros break the pattern is
    left unrecorded (dense)."""
    parsed = parse_pattern(pattern)
    records = {}
    for node in graph.nodes:
        weight = graph.params.get(node.inputs[1]) if node.op in WEIGHTED and len(node.inputs) > 1 else None
        if weight is None or np.count_nonzero(weight) == weight.size:
            continue
        zeros, units = pruned_units(np.asarray(weight), parsed)
        if zeros and violation(np.asarray(weight), parsed, zeros / units) is None:
            records[node.inputs[1]] = {"pattern": str(parsed), "rate": zeros / units}
    return annotate(graph, records)
