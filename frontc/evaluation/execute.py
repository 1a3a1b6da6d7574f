"""Run one model in one runtime over a set of inputs, one prediction at a time, timing each."""
from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from frontc.ir.graph import Graph

SOURCE = "source"  # the original model in its own framework


@dataclass
class TargetRun:
    """Logits (one row per input), per-prediction seconds, build seconds, or the error that stopped it."""

    target: str
    logits: np.ndarray | None = None
    seconds: list[float] = field(default_factory=list)
    build_seconds: float = 0.0
    error: str | None = None
    log: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    def latency_ms(self) -> dict[str, float]:
        ms = np.asarray(self.seconds) * 1e3
        if not len(ms):
            return {}
        return {"p50": float(np.percentile(ms, 50)), "p90": float(np.percentile(ms, 90)), "mean": float(ms.mean())}


def source_runner(spec, imported: Graph) -> Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]:
    """The original model run in its own framework (through frontc.sources), outputs by IR name."""
    from frontc.sources import source_trace

    def run(feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        values = source_trace(spec.framework, spec.source, imported, feeds)
        return {name: values[name] for name in imported.outputs if name in values}

    return run


def run_target(target: str, build: Callable[[], Callable], graph: Graph, inputs: np.ndarray) -> TargetRun:
    """Build ``target`` and run ``inputs`` (N, ...) one at a time (tiled to the graph's batch);
    the first output's row 0 of each run, flattened, is that input's logits. Errors are caught."""
    result = TargetRun(target)
    name, batch, out = graph.inputs[0].name, graph.inputs[0].shape[0], graph.outputs[0]
    try:
        start = time.perf_counter()
        runner = build()
        result.build_seconds = time.perf_counter() - start
        rows = []
        for x in inputs:
            feed = {name: np.ascontiguousarray(np.repeat(x[None], batch, axis=0))}
            start = time.perf_counter()
            outputs = runner(feed)
            result.seconds.append(time.perf_counter() - start)
            if out not in outputs:
                raise KeyError(f"the {target} run gave no output '{out}' (it gave {sorted(outputs)})")
            rows.append(np.asarray(outputs[out])[0].reshape(-1).astype(np.float64))
        result.logits = np.stack(rows)
    except Exception as exc:  # noqa: BLE001  (a failing target is reported, the others still run)
        result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        result.log = traceback.format_exc()
    return result
