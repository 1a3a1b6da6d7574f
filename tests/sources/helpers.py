"""Shared checks: a source trace against the IR interpreter, and a planted bug for frontc diff."""
from __future__ import annotations

from pathlib import Path

import numpy as np

import frontc
from frontc.cli import main
from frontc.ir import save_graph
from frontc.ir.graph import Graph

REL_TOL = 1e-5


def assert_matches_interpreter(trace: dict[str, np.ndarray], graph: Graph,
                               feeds: dict[str, np.ndarray]) -> float:
    """Every traced tensor equals the interpreter's within 1e-5 * max|source|; the worst ratio."""
    reference = frontc.run(graph, feeds, trace=True)
    worst = 0.0
    for name, source in trace.items():
        ir = reference[name]
        assert ir.shape == source.shape, name
        scale = float(np.abs(source).max())
        error = float(np.abs(ir.astype(np.float64) - source).max())
        assert error <= REL_TOL * scale, f"{name}: max|diff| {error:.3e} > 1e-5 * max|source| {scale:.3e}"
        worst = max(worst, error / scale if scale else 0.0)
    return worst


def plant_bug(graph: Graph, conv: str, folder: Path) -> str:
    """Save a copy of ``graph`` whose Conv node ``conv`` has one weight off by 0.5."""
    broken = graph.copy()
    weight_name = broken.node(conv).inputs[1]
    weight = broken.params[weight_name].copy()
    weight[(0,) * (weight.ndim - 2) + (weight.shape[-2] // 2, weight.shape[-1] // 2)] += 0.5
    broken.params[weight_name] = weight
    save_graph(broken, folder / "broken")
    return str(folder / "broken_graph.json")


def save_input(graph: Graph, folder: Path, seed: int = 0) -> str:
    """A seeded input for the graph's only input, saved as .npy in the source framework's layout (what the
    CLI takes: NHWC for a Keras graph's 4-D input)."""
    x = np.random.default_rng(seed).uniform(-1, 1, graph.inputs[0].shape).astype(np.float32)
    nhwc = graph.meta.get("source_layout") == "NHWC" and x.ndim == 4
    np.save(folder / "x.npy", x.transpose(0, 2, 3, 1) if nhwc else x)
    return str(folder / "x.npy")


def run_diff(args: list[str], capsys) -> tuple[int, str]:
    """``frontc diff ARGS``: (exit status, standard output)."""
    code = main(["diff", *args])
    return code, capsys.readouterr().out


def feeds_for(graph: Graph, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {spec.name: rng.uniform(-1, 1, spec.shape).astype(np.float32) for spec in graph.inputs}
