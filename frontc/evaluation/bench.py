"""The benchmark: every suite model, in every runtime and quantization strategy, on its data;
accuracy against its expected value, latency per prediction and throughput."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from frontc.evaluation.execute import run_target
from frontc.evaluation.matrix import top_k
from frontc.evaluation.spec import ModelSpec, default_preprocess, label_of, resolve_spec
from frontc.evaluation.suite import BenchModel
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

FLOAT = "float"
CSV_COLUMNS = ("model", "runtime", "strategy", "top1", "top5", "expected_top1", "expected_top5", "drift",
               "latency_p50_ms", "latency_p90_ms", "throughput_ips", "images", "status")
CALIBRATION_OBSERVER = "minmax"


@dataclass
class BenchRow:
    model: str
    runtime: str
    strategy: str
    images: int
    top1: float | None = None
    top5: float | None = None
    expected: dict[str, float] | None = None
    latency: dict[str, float] | None = None
    throughput: float | None = None
    error: str | None = None

    def drift(self) -> float | None:
        if self.top1 is None or not self.expected:
            return None
        # accuracies are recorded with 2 decimals: compare at that precision
        return round(max(abs(round(self.top1, 2) - self.expected["top1"]),
                         abs(round(self.top5, 2) - self.expected["top5"])), 6)

    def csv(self) -> list[str]:
        def num(v: float | None, pattern: str = "{:.2f}") -> str:
            return "" if v is None else pattern.format(v)
        lat = self.latency or {}
        exp = self.expected or {}
        return [self.model, self.runtime, self.strategy, num(self.top1), num(self.top5), num(exp.get("top1")),
                num(exp.get("top5")), num(self.drift()), num(lat.get("p50"), "{:.3f}"), num(lat.get("p90"), "{:.3f}"),
                num(self.throughput, "{:.1f}"), str(self.images),
                "ok" if self.error is None else f"failed: {self.error}"]


def _foolbox_imagenet(tmp: Path) -> Path:
    """foolbox's ImageNet samples (the only images in a folder of their own)."""
    from frontc.data.imagenet_samples import sample_files

    folder = tmp / "foolbox_imagenet"
    folder.mkdir(exist_ok=True)
    for path, _ in sample_files():
        target = folder / path.name
        if not target.exists():
            target.symlink_to(path)
    return folder


def load_data(entry: BenchModel, spec: ModelSpec, graph: Graph, tmp: Path) -> tuple[np.ndarray, np.ndarray]:
    """(inputs (N, ...) in the graph's layout, labels (N,)) of a suite entry's data."""
    data = entry.data
    if "fashion_mnist" in data:
        from frontc.datasets import fashion_mnist

        split = fashion_mnist.load(str(data["fashion_mnist"]))
        limit = int(data.get("limit", len(split.images)))
        return fashion_mnist.normalize(split.images[:limit]), np.asarray(split.labels[:limit], np.int64)
    if "images" not in data:
        raise OptionError(f"MODELS.{entry.name}.data needs images (a folder) or fashion_mnist (a split)")
    from frontc.datasets.images import image_folder, open_inputs

    folder = _foolbox_imagenet(tmp) if data["images"] == "foolbox:imagenet" else Path(data["images"])
    files = image_folder(folder)
    labels = [label_of(f) for f in files]
    unlabelled = [f.name for f, label in zip(files, labels) if label is None]
    if unlabelled:
        raise OptionError(f"image '{unlabelled[0]}' has no class in its name ({len(unlabelled)} such)",
                          path=str(folder), hint="name images NAME_<class index>.jpg")
    inputs = open_inputs(folder, graph.inputs[0], spec.preprocess or default_preprocess(graph))
    return np.stack([inputs.sample(i) for i in range(len(inputs))]), np.asarray(labels, np.int64)


def strategy_graph(graph: Graph, strategy: str, x: np.ndarray, tmp: Path) -> Graph:
    """``graph`` for ``strategy``: itself for float; otherwise its fused IR calibrated (minmax) on ``x``
    and quantized (what each runtime runs of it: ``frontc.runtimes.runtime_graph``)."""
    if strategy == FLOAT:
        return graph
    from frontc.datasets.images import ArrayInputs
    from frontc.passes import run_pipeline
    from frontc.quant import quantize_graph
    from frontc.quant.calibrate import calibrate

    cmodel, _ = run_pipeline(graph, "cmodel")
    np.save(tmp / "calibration.npy", x)
    inputs = ArrayInputs(tmp / "calibration.npy", cmodel.inputs[0])
    table, _ = calibrate(cmodel, inputs, CALIBRATION_OBSERVER, backend="numpy", progress=False)
    ranges = {name: r.to_json() for name, r in table.tensors.items()}
    return quantize_graph(cmodel, ranges, strategy)


def evaluate(entry: BenchModel, runtimes: list[str], strategies: list[str], tmp: Path) -> list[BenchRow]:
    """Every (strategy, runtime) row of one suite model (pairs that cannot exist are left out)."""
    from frontc.passes import run_pipeline
    from frontc.runtimes import prepare, runtime_graph

    if isinstance(entry.model, dict):
        shape = entry.model.get("input_shape")
        spec = ModelSpec(entry.name, entry.model["framework"], entry.model["path"],
                         {"": tuple(shape)} if shape else None, None)
    else:
        spec = resolve_spec(entry.model)
    graph, _ = run_pipeline(spec.load(), "reconstruct")
    x, labels = load_data(entry, spec, graph, tmp)
    rows = []
    for strategy in strategies:
        quantized = strategy_graph(graph, strategy, x, tmp)
        for runtime in runtimes:
            target_graph = runtime_graph(quantized, runtime)
            if target_graph is None:
                continue
            run = run_target(runtime, lambda r=runtime, g=target_graph: prepare(r, g), target_graph, x)
            row = BenchRow(entry.name, runtime, strategy, len(x), expected=entry.expected.get(strategy))
            if not run.ok:
                row.error = run.error
            else:
                top = top_k(run.logits, min(5, run.logits.shape[1]))
                row.top1 = 100.0 * float(np.mean(top[:, 0] == labels))
                row.top5 = 100.0 * float(np.mean([label in t for label, t in zip(labels, top)]))
                row.latency = run.latency_ms()
                row.throughput = len(x) / sum(run.seconds)
            rows.append(row)
    return rows
