"""Accuracy on the config's evaluation set (EVALUATION.dataset: fashion-mnist, or EVALUATION.images: a folder
of images named ``NAME_<class>.jpg``), computed on an IR by its PyTorch reconstruction, in batches."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from frontc.checklist.context import Context
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

DATASETS = ("fashion-mnist",)


def evaluation_set(ctx: Context, graph: Graph, preprocessing: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """(inputs in the IR's layout, labels) of the config's evaluation set, or None when it names none."""
    section = ctx.section("EVALUATION")
    limit = section.get("limit")
    if limit is not None and (type(limit) is not int or limit < 1):
        raise OptionError(f"EVALUATION.limit {limit!r} is not a positive integer", path=str(ctx.config_path))
    if "dataset" in section:
        if section["dataset"] not in DATASETS:
            raise OptionError(f"EVALUATION.dataset {section['dataset']!r} is not one of {list(DATASETS)}",
                              path=str(ctx.config_path))
        from frontc.datasets import fashion_mnist
        split = fashion_mnist.load("test")
        return fashion_mnist.normalize(split.images[:limit]), np.asarray(split.labels[:limit], np.int64)
    folder = ctx.config_file("EVALUATION", "images")
    if folder is None:
        return None
    from frontc.datasets.images import image_folder, open_inputs
    from frontc.datasets.preprocess import Preprocess
    from frontc.evaluation.spec import label_of
    files = image_folder(folder)[:limit]
    labels = [label_of(Path(f)) for f in files]
    if None in labels:
        raise OptionError(f"image '{files[labels.index(None)]}' has no class in its name", path=str(folder),
                          hint="name images NAME_<class index>.jpg")
    inputs = open_inputs(folder, graph.inputs[0], Preprocess.from_config(preprocessing))
    return np.stack([inputs.sample(i) for i in range(len(files))]), np.asarray(labels, np.int64)


def top1(graph: Graph, x: np.ndarray, labels: np.ndarray, batch: int = 100) -> float:
    """Share of ``x`` whose argmax output of ``graph`` (run by its torch reconstruction) is the label."""
    import torch

    from frontc.backends.torch import to_torch
    from frontc.ir.batch import rebatch
    modules = {}
    hits = 0
    with torch.no_grad():
        for start in range(0, len(x), batch):
            chunk = x[start:start + batch]
            if len(chunk) not in modules:
                modules[len(chunk)] = to_torch(rebatch(graph, len(chunk))[0])
            out = modules[len(chunk)](torch.from_numpy(np.ascontiguousarray(chunk)))
            out = out[0] if isinstance(out, tuple) else out
            hits += int((out.reshape(len(chunk), -1).argmax(1).numpy() == labels[start:start + batch]).sum())
    return hits / len(x)
