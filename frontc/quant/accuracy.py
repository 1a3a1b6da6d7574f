"""Top-1/top-5 accuracy of the float graph and of quantized copies on a labelled set, and the share
of inputs whose top-1 class agrees with the float graph's. All graphs run in the numpy interpreter,
batch by batch (the IR re-specialized to each batch size)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.datasets.images import InputSet
from frontc.ir.batch import rebatch
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph


@dataclass
class Candidate:
    """One graph to evaluate: the float graph (strategy 'float') or a quantized copy."""

    strategy: str
    weight_quan: str | None
    graph: Graph


@dataclass
class Accuracy:
    strategy: str
    weight_quan: str | None
    top1: float
    top5: float
    agreement: float
    images: int

    def to_json(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "weight_quan": self.weight_quan, "top1": self.top1, "top5": self.top5,
                "agreement": self.agreement, "images": self.images}


def output_of(graph: Graph, x: np.ndarray, tensor: str) -> np.ndarray:
    """The value of ``tensor`` (a graph output or any node output) on ``x``, as floats (N, -1)."""
    from frontc.interpreter import run
    from frontc.quant.annotations import dequantize

    if tensor in graph.outputs:
        value = run(graph, x)[tensor]
    else:
        found: dict[str, np.ndarray] = {}

        def keep(node: Any, outputs: dict[str, np.ndarray]) -> None:
            if tensor in outputs:
                found[tensor] = outputs[tensor]
        run(graph, x, observer=keep)
        value = found[tensor]
    value = dequantize(graph, {tensor: value})[tensor]
    return np.asarray(value, np.float64).reshape(len(x), -1)


def evaluate(candidates: Sequence[Candidate], inputs: InputSet, labels: Sequence[int], output: str, *,
             batch_size: int = 16, progress: bool = True) -> list[Accuracy]:
    """Accuracy of every candidate; the first must be the float graph (the agreement reference)."""
    if len(labels) != len(inputs):
        raise OptionError(f"{len(labels)} labels for {len(inputs)} inputs")
    labels_array = np.asarray(labels)
    top1 = np.zeros(len(candidates))
    top5 = np.zeros(len(candidates))
    agree = np.zeros(len(candidates))
    specialized: dict[tuple[int, int], Graph] = {}
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(inputs) * len(candidates), desc="accuracy", unit="run", disable=None)
    start = 0
    for x in inputs.batches(batch_size):
        y = labels_array[start:start + len(x)]
        start += len(x)
        reference = None
        for i, candidate in enumerate(candidates):
            key = (i, len(x))
            if key not in specialized:
                specialized[key] = rebatch(candidate.graph, len(x))[0]
            scores = output_of(specialized[key], x, output)
            if scores.shape[1] < 5:
                raise OptionError(f"output '{output}' has {scores.shape[1]} classes; top-5 needs at least 5",
                                  hint="set EVALUATION.output_node to the classifier output")
            ranked = np.argsort(-scores, axis=1, kind="stable")[:, :5]
            reference = ranked[:, 0] if reference is None else reference
            top1[i] += np.sum(ranked[:, 0] == y)
            top5[i] += np.sum(np.any(ranked == y[:, None], axis=1))
            agree[i] += np.sum(ranked[:, 0] == reference)
            if bar is not None:
                bar.update(len(x))
    if bar is not None:
        bar.close()
    n = len(inputs)
    return [Accuracy(c.strategy, c.weight_quan, top1[i] / n, top5[i] / n, agree[i] / n, n)
            for i, c in enumerate(candidates)]


def markdown(results: Sequence[Accuracy], title: str) -> str:
    """The results as a markdown table."""
    lines = [f"### {title}", "", "| strategy | weight_quan | top-1 | top-5 | top-1 agreement with float |",
             "|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.strategy} | {r.weight_quan or '-'} | {r.top1:.4f} | {r.top5:.4f} | {r.agreement:.4f} |")
    return "\n".join(lines)
