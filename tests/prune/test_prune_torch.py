"""Prune in a PyTorch loop: the checklist's call order, exact zeros with momentum, weight decay and
Adam, masks fixed after the sparse steps, and errors that name the parameter."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from frontc.ir.errors import OptionError
from frontc.models.torch.fashion import fashion_cnn, fashion_resnet
from frontc.prune import Prune, generate_prune_dict

PRETRAIN, SPARSE, FREQ, TOTAL = 3, 12, 3, 20


def _batches(n: int = TOTAL):
    g = torch.Generator().manual_seed(0)
    for _ in range(n):
        yield torch.randn(16, 1, 28, 28, generator=g), torch.randint(0, 10, (16,), generator=g)


def _run(model: nn.Module, prune: Prune, optimizer: torch.optim.Optimizer) -> list[dict[str, np.ndarray]]:
    """Train TOTAL steps; after every step check that every masked weight is exactly zero."""
    history = []
    for step, (x, y) in enumerate(_batches()):
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        prune.prepare()
        optimizer.step()
        prune.prune()
        masks = prune.masks()
        assert bool(masks) == (step >= prune.pretrain_step)
        state = {n.removeprefix("module."): p for n, p in model.named_parameters()}
        for name, mask in masks.items():
            weight = state[name].detach().numpy()
            assert (weight[mask == 0] == 0).all(), f"{name} drifted off zero at step {step}"
        history.append(masks)
    return history


@pytest.mark.parametrize("optimizer, schedule", [
    (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True), "polynomial"),
    (lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=1e-4), "linear"),
    (lambda p: torch.optim.AdamW(p, lr=1e-2), "constant"),
])
def test_unstructured_exact_zeros_every_step(optimizer, schedule: str) -> None:
    torch.manual_seed(0)
    model = fashion_cnn()
    prune_dict = generate_prune_dict(model, 0.9, {"ops": ("conv", "dense")})
    assert sorted(prune_dict) == ["classifier.1.weight", "features.2.0.weight", "features.4.0.weight"]
    prune = Prune(model, PRETRAIN, SPARSE, FREQ, prune_dict, schedule=schedule)
    history = _run(model, prune, optimizer(model.parameters()))
    assert prune.finished
    for step in range(PRETRAIN + SPARSE, TOTAL):   # masks fixed after the sparse steps
        for name in history[-1]:
            assert np.array_equal(history[step][name], history[-1][name])
    for name, sparsity in prune.sparsity().items():
        size = dict(model.named_parameters())[name].numel()
        assert sparsity == round(0.9 * size) / size
    ramp = [float(1 - history[s]["classifier.1.weight"].mean()) for s in (PRETRAIN, PRETRAIN + FREQ)]
    assert (ramp[0] == pytest.approx(0.9, abs=1e-4)) == (schedule == "constant")
    assert ramp[0] <= ramp[1]


def test_two_four_and_data_parallel_names() -> None:
    torch.manual_seed(0)
    model = nn.DataParallel(fashion_resnet())
    prune_dict = generate_prune_dict(model, 0.5)
    assert "stem.0.weight" not in prune_dict and "layer1.conv1.weight" in prune_dict
    prune = Prune(model, 0, 6, 2, {"module." + k: v for k, v in prune_dict.items()}, pattern="2:4")
    _run(model, prune, torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4))
    weights = dict(model.module.named_parameters())
    for name in prune_dict:
        w = weights[name].detach().numpy()
        groups = np.moveaxis(w.reshape(w.shape[0], w.shape[1], -1), 1, -1).reshape(-1, 4)
        assert ((groups != 0).sum(axis=1) == 2).all(), name


@pytest.mark.parametrize("kwargs, message", [
    ({"prune_dict": {"classifier.1.weight": 1.0}}, r"prune_dict\['classifier.1.weight'\]=1.0: the sparse rate"),
    ({"prune_dict": {"classifier.1.weight": -0.1}}, r"=-0.1: the sparse rate must be a number in \[0, 1\)"),
    ({"prune_dict": {"classifier.9.weight": 0.5}}, "prune_dict key 'classifier.9.weight' names no parameter"),
    ({"prune_dict": {"features.0.0.weight": 0.5}, "pattern": "2:4"}, "'features.0.0.weight' has 1 input channels"),
    ({"prune_dict": {"features.2.0.weight": 0.9}, "pattern": "2:4"}, "pattern 2:4 prunes exactly 0.5"),
    ({"frequency": 0}, "frequency=0"),
    ({"sparse_step": 2, "frequency": 5}, "sparse_step=2 is smaller than frequency=5"),
    ({"schedule": "exponential"}, "schedule='exponential': unknown"),
    ({"scope": "model"}, "scope='model'"),
])
def test_errors_name_the_parameter(kwargs, message: str) -> None:
    args = {"pretrain_step": 0, "sparse_step": 10, "frequency": 2, "prune_dict": {"features.2.0.weight": 0.5},
            **kwargs}
    with pytest.raises(OptionError, match=message) as info:
        Prune(fashion_cnn(), **args)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("scope", ["global", "lamp"])
def test_global_scope_prunes_by_one_threshold(scope: str) -> None:
    torch.manual_seed(0)
    model = fashion_cnn()
    prune_dict = generate_prune_dict(model, 0.9, {"ops": ("conv", "dense")})
    prune = Prune(model, 0, 3, 1, prune_dict, scope=scope)
    _run(model, prune, torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9))
    weights = dict(model.named_parameters())
    total = sum(weights[n].numel() for n in prune_dict)
    zeros = sum(int((weights[n] == 0).sum()) for n in prune_dict)
    assert zeros == round(0.9 * total)
    assert len({round(s, 3) for s in prune.sparsity().values()}) > 1   # per-layer rates differ
    recorded = prune.patterns()   # what the IR records: each layer's own share under the one threshold
    for name in prune_dict:
        assert recorded[name]["rate"] == pytest.approx(float((weights[name] == 0).float().mean()), abs=1e-7)
