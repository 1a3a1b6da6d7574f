"""Measured per-layer latency of the PyTorch reconstruction, and a hardware profile fitted to it.

Used to validate the performance model on a CPU: fit the free numbers of a CPU profile once on one
model, then compare its per-layer estimates with measurements on other models.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from frontc.ir.graph import Graph
from frontc.perf.hardware import Hardware


@dataclass
class Measured:
    """Fastest seconds per IR node over the timed runs, and the fastest whole forward pass without hooks
    (the minimum: on a shared machine every other statistic measures the other processes too)."""

    layers: dict[str, float]
    total_s: float
    hooked_total_s: float


def measure_torch(graph: Graph, *, repeats: int = 15, warmup: int = 3, threads: int = 1, seed: int = 0) -> Measured:
    """Time every layer of ``to_torch(graph)`` with forward hooks (batch as in the graph, ``threads`` threads):
    the fastest of ``repeats`` runs per layer, and of ``repeats`` plain forward passes."""
    import torch

    from frontc.backends.torch import to_torch

    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    module = to_torch(graph)
    rng = np.random.default_rng(seed)
    inputs = [torch.from_numpy(rng.uniform(-1, 1, s.shape).astype(np.float32)) for s in graph.inputs]
    names = {key: name for name, key in module.node_keys.items()}
    times: dict[str, list[float]] = {name: [] for name in names.values()}
    started: dict[str, float] = {}
    handles = []
    layers = [(key, layer) for key, layer in module.layers.items()] + list(module._inplace_layers.items())
    for key, layer in layers:
        def before(_m, _a, key=key):
            started[key] = time.perf_counter()

        def after(_m, _a, _o, key=key):
            times[names[key]].append(time.perf_counter() - started[key])
        handles += [layer.register_forward_pre_hook(before), layer.register_forward_hook(after)]
    try:
        with torch.no_grad():
            hooked = _timed(lambda: module(*inputs), repeats, warmup, times)
            for handle in handles:
                handle.remove()
            plain = _timed(lambda: module(*inputs), repeats, warmup, None)
    finally:
        torch.set_num_threads(previous)
    return Measured({name: float(np.min(v)) for name, v in times.items()}, plain, hooked)


def _timed(fn, repeats: int, warmup: int, per_layer: dict[str, list[float]] | None) -> float:
    for _ in range(warmup):
        fn()
    if per_layer is not None:
        for values in per_layer.values():
            values.clear()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return float(np.min(runs))


FREE = ("mac_array", "vector_lanes", "dram_gbps", "layer_overhead_us")


def fit_profile(graphs: list[Graph], measured: list[Measured], base: Hardware) -> Hardware:
    """``base`` with MAC rate, vector rate, DRAM bandwidth and per-layer overhead fitted (least squares on
    log latency over every layer of ``graphs``)."""
    from dataclasses import replace

    from scipy.optimize import least_squares

    from frontc.perf.model import estimate

    def profile(theta: np.ndarray) -> Hardware:
        return replace(base, **dict(zip(FREE, np.exp(theta).tolist(), strict=True)))

    def residuals(theta: np.ndarray) -> np.ndarray:
        hw = profile(theta)
        out = []
        for graph, m in zip(graphs, measured, strict=True):
            for layer in estimate(graph, hw).layers:
                out.append(np.log(layer.latency_s) - np.log(m.layers[layer.name]))
        return np.array(out)

    start = np.log([getattr(base, key) for key in FREE])
    return profile(least_squares(residuals, start, method="trf").x)
