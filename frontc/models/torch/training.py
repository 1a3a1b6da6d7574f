"""A small, seeded PyTorch training loop for Fashion-MNIST (the models of ``fashion.py``).

``train(model, data, epochs, ...)`` runs SGD with Nesterov momentum, weight decay and a cosine
learning rate per step; ``after_backward`` and ``after_step`` hooks let a ``Prune`` object mask the
gradients (``prepare``) and the weights (``prune``) exactly where the checklist puts those calls.
Shuffling uses a ``torch.Generator`` seeded by ``seed``, so a run is repeatable on one machine.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class Data(NamedTuple):
    """Normalized train and test tensors: images (N, 1, 28, 28) float32, labels (N,) int64."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor


def fashion_data(limit_train: int | None = None, limit_test: int | None = None) -> Data:
    """Fashion-MNIST as tensors (the first ``limit_*`` images of each split when given)."""
    from frontc.datasets import fashion_mnist

    train, test = fashion_mnist.load("train"), fashion_mnist.load("test")

    def tensors(split: fashion_mnist.Split, limit: int | None) -> tuple[torch.Tensor, torch.Tensor]:
        images, labels = split.images[:limit], split.labels[:limit]
        return (torch.from_numpy(fashion_mnist.normalize(images)),
                torch.from_numpy(labels.astype(np.int64)))

    return Data(*tensors(train, limit_train), *tensors(test, limit_test))


def batches(x: torch.Tensor, y: torch.Tensor, batch_size: int,
            generator: torch.Generator) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Shuffled minibatches (the last one may be smaller)."""
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), batch_size):
        index = order[start:start + batch_size]
        yield x[index], y[index]


def steps_per_epoch(data: Data, batch_size: int) -> int:
    return math.ceil(len(data.train_x) / batch_size)


def train(model: nn.Module, data: Data, epochs: int, *, lr: float = 0.05, weight_decay: float = 5e-4,
          batch_size: int = 128, seed: int = 0, after_backward: Callable[[], None] | None = None,
          after_step: Callable[[], None] | None = None, progress: str | None = None) -> nn.Module:
    """Train ``model`` in place for ``epochs`` epochs (cosine learning rate from ``lr`` to 0)."""
    from tqdm import tqdm

    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True,
                                weight_decay=weight_decay)
    total = epochs * steps_per_epoch(data, batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / total)))
    model.train()
    with tqdm(total=total, desc=progress, disable=None if progress else True, leave=False) as bar:
        for _ in range(epochs):
            for x, y in batches(data.train_x, data.train_y, batch_size, generator):
                optimizer.zero_grad(set_to_none=True)
                F.cross_entropy(model(x), y).backward()
                if after_backward is not None:
                    after_backward()
                optimizer.step()
                if after_step is not None:
                    after_step()
                scheduler.step()
                bar.update()
    model.eval()
    return model


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 1000) -> float:
    """Top-1 accuracy of ``model`` in percent."""
    model.eval()
    correct = sum(int((model(x[i:i + batch_size]).argmax(1) == y[i:i + batch_size]).sum())
                  for i in range(0, len(x), batch_size))
    return 100.0 * correct / len(x)


def artifact_names(name: str) -> dict[str, str]:
    """The files ``save_artifacts`` writes for model ``name``, by kind."""
    return {"state_dict": f"{name}.pt", "torchscript": f"{name}.torchscript.pt", "onnx": f"{name}.onnx"}


def save_artifacts(model: nn.Module, folder: str, name: str, input_shape: tuple[int, ...], *,
                   overwrite: bool = False) -> dict[str, str]:
    """Write the state_dict, a TorchScript trace and an ONNX file (batch dimension dynamic) of ``model``,
    all together or none (``frontc.outputs``)."""
    import io
    from pathlib import Path

    from frontc.outputs import Outputs

    model.eval()
    example = torch.zeros(input_shape)
    blobs = {}
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    blobs["state_dict"] = buffer.getvalue()
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.trace(model, example), buffer)
    blobs["torchscript"] = buffer.getvalue()
    buffer = io.BytesIO()
    torch.onnx.export(model, (example,), buffer, input_names=["data"], output_names=["logits"], dynamo=False,
                      dynamic_axes={"data": {0: "batch"}, "logits": {0: "batch"}})
    blobs["onnx"] = buffer.getvalue()
    names = artifact_names(name)
    with Outputs("train", force=overwrite) as out:   # all three files or none
        for kind, blob in blobs.items():
            out.write(Path(folder) / names[kind], blob)
    return names
