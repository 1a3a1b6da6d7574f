"""Rebuild a compiled IR graph in PyTorch or Keras, run it by IR tensor names, and name the first
node where a reconstruction departs from the IR interpreter (for failure messages)."""
from __future__ import annotations

from typing import Any

import numpy as np

import frontc
from frontc.analysis.distance import Distance, distance
from frontc.ir.graph import Graph

TARGETS = ["torch", "tf"]


def rebuild(graph: Graph, target: str) -> Any:
    """``graph`` as a torch.nn.Module (``target="torch"``) or a Keras model (``"tf"``)."""
    if target == "torch":
        from frontc.backends.torch import to_torch

        return to_torch(graph)
    from frontc.backends.tf import to_keras

    return to_keras(graph)


def run_rebuilt(model: Any, target: str, feeds: dict[str, np.ndarray], trace: bool = False) -> dict[str, np.ndarray]:
    """Run a model made by ``rebuild``: outputs (or with ``trace`` every IR tensor) by IR name, NCHW."""
    if target == "torch":
        from frontc.backends.torch import run_torch

        return run_torch(model, feeds, trace=trace)
    from frontc.backends.tf import run_keras

    return run_keras(model, feeds, trace=trace)


def compare(actual: np.ndarray, reference: np.ndarray) -> Distance:
    """``distance`` of an output from its reference (an (N, C, 1, 1) output compares top-1 too)."""
    if actual.shape != reference.shape:
        raise AssertionError(f"shape {actual.shape} != reference {reference.shape}")
    return distance(actual, reference)


def first_divergence(graph: Graph, model: Any, target: str, feeds: dict[str, np.ndarray],
                     rel_tol: float) -> str:
    """The first node (in graph order) whose output in the rebuilt model differs from the
    interpreter's by more than ``rel_tol`` x max|interpreter|, with its op and distance."""
    expected = frontc.run(graph, feeds, trace=True)
    actual = run_rebuilt(model, target, feeds, trace=True)
    for node in graph.nodes:
        for tensor in node.outputs:
            if tensor not in actual or tensor not in expected:
                continue
            got, want = np.asarray(actual[tensor]), np.asarray(expected[tensor])
            if got.shape != want.shape:
                return f"node '{node.name}' ({node.op}) -> '{tensor}': shape {got.shape} != {want.shape}"
            if want.dtype.kind not in "fc":
                if not np.array_equal(got, want):
                    return f"node '{node.name}' ({node.op}) -> '{tensor}': integer values differ"
                continue
            d = distance(got, want, classifier=False)
            if d.max_abs > rel_tol * d.max_ref:
                return f"node '{node.name}' ({node.op}) -> '{tensor}': {d}"
    return "no node departs from the interpreter by more than the tolerance"
