"""The conversion matrix: one model from its source framework into every target through the IR, the
same images through each, and N x N agreement (top-1, top-5), logit distances and latencies."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from frontc.evaluation.execute import SOURCE, TargetRun, run_target, source_runner
from frontc.evaluation.spec import ModelSpec, default_preprocess, label_of
from frontc.runtimes import RUNTIMES, prepare

TARGETS = (SOURCE, *RUNTIMES)


@dataclass
class ModelMatrix:
    """Every target's run of one model and the pairwise comparisons."""

    name: str
    framework: str
    preprocess: dict[str, Any]
    images: list[str]
    labels: list[int | None]
    runs: list[TargetRun]
    pairs: dict[str, list[list[float | None]]] = field(default_factory=dict)

    @property
    def order(self) -> list[str]:
        return [run.target for run in self.runs]

    def failed_pairs(self) -> list[tuple[str, str, str]]:
        """(a, b, reason) for every pair with a failed side."""
        out = []
        for i, a in enumerate(self.runs):
            for b in self.runs[i + 1:]:
                if not (a.ok and b.ok):
                    reason = "; ".join(f"{r.target}: {r.error}" for r in (a, b) if not r.ok)
                    out.append((a.target, b.target, reason))
        return out

    def below(self, threshold: float) -> list[tuple[str, str, float]]:
        """(a, b, top-1 agreement) for every completed pair under ``threshold``."""
        grid = self.pairs["top1"]
        return [(self.order[i], self.order[j], grid[i][j]) for i in range(len(grid)) for j in range(i + 1, len(grid))
                if grid[i][j] is not None and grid[i][j] < threshold]


def top_k(logits: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest logits per row, largest first (ties by index)."""
    return np.argsort(-logits, axis=1, kind="stable")[:, :k]


def compare(runs: list[TargetRun]) -> dict[str, list[list[float | None]]]:
    """N x N top-1 / top-5 agreement (share of images with the same top-1 / the same top-5 set) and
    max / mean |logit difference|; None where a side failed."""
    n = len(runs)
    grids: dict[str, list[list[float | None]]] = {k: [[None] * n for _ in range(n)] for k in
                                                  ("top1", "top5", "max_logit_distance", "mean_logit_distance")}
    for i, a in enumerate(runs):
        for j, b in enumerate(runs):
            if not (a.ok and b.ok) or a.logits.shape != b.logits.shape:
                continue
            k = min(5, a.logits.shape[1])
            ta, tb = top_k(a.logits, k), top_k(b.logits, k)
            diff = np.abs(a.logits - b.logits)
            grids["top1"][i][j] = float(np.mean(ta[:, 0] == tb[:, 0]))
            grids["top5"][i][j] = float(np.mean([set(x) == set(y) for x, y in zip(ta, tb)]))
            grids["max_logit_distance"][i][j] = float(diff.max())
            grids["mean_logit_distance"][i][j] = float(diff.mean())
    return grids


def model_matrix(spec: ModelSpec, image_dir: str | Path, targets: list[str], progress: bool = False) -> ModelMatrix:
    """Import ``spec``, run the images through each of ``targets`` and compare every pair."""
    from frontc.datasets.images import image_folder, open_inputs
    from frontc.passes import run_pipeline

    imported = spec.load()
    graph, _ = run_pipeline(imported, "reconstruct")
    preprocess = spec.preprocess or default_preprocess(graph)
    files = image_folder(image_dir)
    inputs = open_inputs(image_dir, graph.inputs[0], preprocess)
    x = np.stack([inputs.sample(i) for i in range(len(inputs))])
    runs = []
    bar = targets
    if progress:
        from tqdm import tqdm
        bar = tqdm(targets, desc=spec.name, unit="target", leave=False, disable=None)
    for target in bar:
        if target == SOURCE:
            runs.append(run_target(target, lambda: source_runner(spec, imported), imported, x))
        else:
            runs.append(run_target(target, lambda t=target: prepare(t, graph), graph, x))
    root = Path(image_dir)
    result = ModelMatrix(spec.name, spec.framework, preprocess.to_json(),
                         [str(f.relative_to(root)) for f in files], [label_of(f) for f in files], runs)
    result.pairs = compare(runs)
    return result
