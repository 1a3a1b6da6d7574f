"""Calibration: stream inputs through a graph and keep mergeable statistics of every activation.

The graph runs in fixed chunks of ``chunk`` inputs (the last one zero-padded, padding rows not
observed), so the arithmetic each input goes through does not depend on how the data was batched
or ordered; with the exact histograms of ``observers`` the table is byte-identical for any order
and any ``batch_size``. Runtimes: ``onnxruntime`` (the IR exported to ONNX with every tensor as an
output, written into buffers allocated once; the fastest here, 2-8x torch on CPU), ``torch`` (the IR
rebuilt as PyTorch layers, a per-node hook: one activation at a time) and ``numpy`` (the reference
interpreter). With onnxruntime and numpy, a chunk's activations are scanned on a pool of one thread per
CPU (the C scan releases the GIL), largest first, before the next chunk runs: memory holds one chunk's
activations.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from frontc.datasets.images import InputSet
from frontc.ir.batch import rebatch
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.quant.observers import OBSERVERS, TensorStats
from frontc.quant.table import CalibrationTable, TensorRange, activation_tensors, graph_hash

BACKENDS = ("onnxruntime", "torch", "numpy")
Observer = Callable[[str, np.ndarray], None]
Execute = Callable[[np.ndarray, Observer], None]


@dataclass
class CalibrationReport:
    """What a calibration run measured besides the table."""

    samples: int
    seconds: float
    chunks: int


def chunks(inputs: InputSet, chunk: int, batch_size: int, order: Sequence[int] | None
           ) -> Iterator[tuple[np.ndarray, int]]:
    """(zero-padded chunk of ``chunk`` inputs, number of real rows) from batches of ``batch_size``."""
    pending: list[np.ndarray] = []
    held = 0
    for batch in inputs.batches(batch_size, order):
        pending.append(batch)
        held += len(batch)
        while held >= chunk:
            joined = np.concatenate(pending)
            yield joined[:chunk], chunk
            pending, held = [joined[chunk:]], held - chunk
    if held:
        joined = np.concatenate(pending)
        padded = np.zeros((chunk, *joined.shape[1:]), np.float32)
        padded[:held] = joined
        yield padded, held


def _torch_runner(graph: Graph, pool: ThreadPoolExecutor) -> Execute:
    import torch

    from frontc.backends.torch import to_torch

    module = to_torch(graph)

    def execute(x: np.ndarray, observe: Observer) -> None:
        with torch.no_grad():
            module.observe((torch.from_numpy(x),), lambda name, value: observe(name, value.numpy()))
    return execute


def _scan_all(pool: ThreadPoolExecutor, observe: Observer, values: dict[str, np.ndarray]) -> None:
    """observe(name, value) for every value on ``pool``, largest first; returns when all are done
    (an error: the first in the order of ``values``, as if they had been observed one by one)."""
    largest_first = sorted(values, key=lambda name: -values[name].size)
    futures = {name: pool.submit(observe, name, values[name]) for name in largest_first}
    for name in values:
        futures[name].result()


def _onnxruntime_runner(graph: Graph, pool: ThreadPoolExecutor) -> Execute:
    from frontc.backends.onnx import onnxruntime_session, to_onnx

    wanted = [t for node in graph.nodes for t in node.outputs]
    session = onnxruntime_session(to_onnx(graph), extra_outputs=wanted)
    source = graph.inputs[0].name
    buffers = {}
    binding = session.io_binding()
    for out in session.get_outputs():
        spec = graph.spec(out.name)
        buffers[out.name] = np.empty(spec.shape, spec.dtype)
        binding.bind_output(out.name, "cpu", 0, buffers[out.name].dtype, spec.shape, buffers[out.name].ctypes.data)

    def execute(x: np.ndarray, observe: Observer) -> None:
        binding.bind_cpu_input(source, x)
        session.run_with_iobinding(binding)
        _scan_all(pool, observe, {source: x, **buffers})
    return execute


def _numpy_runner(graph: Graph, pool: ThreadPoolExecutor) -> Execute:
    from frontc.interpreter import run

    def execute(x: np.ndarray, observe: Observer) -> None:
        _scan_all(pool, observe, run(graph, x, trace=True))
    return execute


RUNNERS = {"onnxruntime": _onnxruntime_runner, "torch": _torch_runner, "numpy": _numpy_runner}


def collect(graph: Graph, inputs: InputSet, *, chunk: int = 8, batch_size: int = 32, backend: str = "onnxruntime",
            order: Sequence[int] | None = None, progress: bool = True) -> tuple[dict[str, TensorStats],
                                                                              CalibrationReport]:
    """Statistics of every activation of ``graph`` over ``inputs`` (see the module docstring)."""
    if backend not in RUNNERS:
        raise OptionError(f"unknown calibration backend '{backend}'", hint=f"one of {list(BACKENDS)}")
    if len(graph.inputs) != 1:
        raise OptionError(f"graph '{graph.name}' has {len(graph.inputs)} inputs; calibration feeds one",
                          hint="calibrate a single-input graph")
    if chunk < 1:
        raise OptionError(f"chunk {chunk} must be at least 1")
    if len(inputs) == 0:
        raise OptionError("no calibration inputs")
    specialized, batched = rebatch(graph, chunk)
    stats = {name: TensorStats(name) for name in activation_tensors(graph)}
    count = rows = 0

    def observe(name: str, value: np.ndarray) -> None:
        if name in stats:
            stats[name].update(value[:rows] if name in batched and rows < chunk else value)

    with ThreadPoolExecutor(len(os.sched_getaffinity(0))) as pool:
        execute = RUNNERS[backend](specialized, pool)
        start = time.perf_counter()
        bar = None
        if progress:
            from tqdm import tqdm
            bar = tqdm(total=len(inputs), desc=f"calibrating {graph.name}", unit="input", disable=None)
        for x, rows in chunks(inputs, chunk, batch_size, order):
            execute(x, observe)
            count += 1
            if bar is not None:
                bar.update(rows)
        if bar is not None:
            bar.close()
    return stats, CalibrationReport(len(inputs), time.perf_counter() - start, count)


def make_table(graph: Graph, stats: dict[str, TensorStats], samples: int, observer: str = "kl", *,
               percentile: float = 99.99, bits: int = 8) -> CalibrationTable:
    """The table of ``observer``'s thresholds; ExecutionError names a tensor that saw no data."""
    if observer not in OBSERVERS:
        raise OptionError(f"unknown observer '{observer}'", hint=f"one of {list(OBSERVERS)}")
    options = {"bits": bits} if observer == "mse" else {"percentile": percentile} if observer == "percentile" else {}
    tensors = {}
    for name in activation_tensors(graph):
        s = stats[name]
        threshold = s.threshold(observer, percentile=percentile, bits=bits)
        tensors[name] = TensorRange(float(s.min), float(s.max), threshold, s.count)
    return CalibrationTable(graph.name, graph_hash(graph), observer, options, samples, tensors)


def calibrate(graph: Graph, inputs: InputSet, observer: str = "kl", *, percentile: float = 99.99,
              bits: int = 8, chunk: int = 8, batch_size: int = 32, backend: str = "onnxruntime",
              order: Sequence[int] | None = None, progress: bool = True) -> tuple[CalibrationTable,
                                                                                 CalibrationReport]:
    """Calibrate ``graph`` on ``inputs`` with ``observer``; returns the table and a report."""
    if observer not in OBSERVERS:
        raise OptionError(f"unknown observer '{observer}'", hint=f"one of {list(OBSERVERS)}")
    stats, report = collect(graph, inputs, chunk=chunk, batch_size=batch_size, backend=backend,
                            order=order, progress=progress)
    start = time.perf_counter()
    table = make_table(graph, stats, report.samples, observer, percentile=percentile, bits=bits)
    report.seconds += time.perf_counter() - start
    return table, report
