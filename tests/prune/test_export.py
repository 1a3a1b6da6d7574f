"""Sparsity survives export: torch.save(state_dict) / TorchScript -> frontc -> IR nnz equals the number of
unmasked weights exactly, before and after BatchNorm folding; torch.nn.utils.prune's weight_orig /
weight_mask are accepted by the torch frontend and by write_back."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional as F
from torch.nn.utils import prune as torch_prune

import frontc
from frontc.analysis.complexity import complexity
from frontc.backends.torch import to_torch, write_back
from frontc.compiler import compile_graph
from frontc.models.torch.fashion import fashion_cnn, fashion_resnet
from frontc.prune import Prune, generate_prune_dict

SHAPES = {"x": (2, 1, 28, 28)}


def _sparse(build, pattern: str, rate: float):
    torch.manual_seed(0)
    model = build()
    prune = Prune(model, 0, 4, 2, generate_prune_dict(model, rate, {"ops": ("conv", "dense")}), pattern=pattern)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    g = torch.Generator().manual_seed(0)
    for _ in range(6):
        optimizer.zero_grad()
        F.cross_entropy(model(torch.randn(8, 1, 28, 28, generator=g)), torch.randint(0, 10, (8,), generator=g)
                        ).backward()
        prune.prepare()
        optimizer.step()
        prune.prune()
    model.eval()
    masks = prune.masks()
    unmasked = sum(int(masks[n].sum()) if n in masks else p.numel() for n, p in model.named_parameters()
                   if n.endswith("weight") and p.dim() > 1)
    return model, unmasked


@pytest.mark.parametrize("build, pattern, rate", [(fashion_cnn, "unstructured", 0.9),
                                                  (fashion_resnet, "2:4", 0.5),
                                                  (fashion_resnet, "block1x4", 0.75)])
def test_nnz_equals_unmasked_weights(build, pattern: str, rate: float, tmp_path) -> None:
    model, unmasked = _sparse(build, pattern, rate)
    torch.save(model.state_dict(), tmp_path / "sparse.pt")
    torch.jit.save(torch.jit.trace(model, torch.zeros(SHAPES["x"])), tmp_path / "sparse.torchscript.pt")
    x = np.random.default_rng(0).normal(size=SHAPES["x"]).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    for source, options in ((tmp_path / "sparse.pt", {"module": build()}), (tmp_path / "sparse.torchscript.pt", {})):
        result = compile_graph(frontc.load(str(source), "torch", input_shapes=SHAPES, **options))
        for graph in (result.reconstruct, result.cmodel):   # cmodel: BatchNorm folded into the convs
            assert complexity(graph).nnz == unmasked, (source.name, graph.name)
            (out,) = frontc.run(graph, {graph.inputs[0].name: x}).values()
            np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


def _torch_pruned():
    torch.manual_seed(0)
    model = fashion_cnn().eval()
    targets = [(m, "weight") for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    torch_prune.global_unstructured(targets, pruning_method=torch_prune.L1Unstructured, amount=0.8)
    unmasked = sum(int(m.weight_mask.sum()) for m, _ in targets)
    return model, unmasked


def test_torch_nn_utils_prune_module_and_state_dict(tmp_path) -> None:
    model, unmasked = _torch_pruned()
    assert "features.0.0.weight_orig" in model.state_dict()
    x = torch.randn(SHAPES["x"])
    with torch.no_grad():
        expected = model(x).numpy()
    torch.save(model.state_dict(), tmp_path / "pruned.pt")
    for source, options in ((model, {}), (str(tmp_path / "pruned.pt"), {"module": fashion_cnn()})):
        graph = frontc.load(source, "torch", input_shapes=SHAPES, **options)
        assert complexity(graph).nnz == unmasked
        assert not any(name.endswith(("_orig", "_mask")) for name in graph.params)
        (out,) = frontc.run(graph, {graph.inputs[0].name: x.numpy()}).values()
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    assert hasattr(model.features[0][0], "weight_orig")   # the user's module is left as it was


def test_write_back_takes_torch_pruning_reparametrization() -> None:
    dense = fashion_cnn().eval()
    graph = frontc.load(dense, "torch", input_shapes=SHAPES)
    module = to_torch(graph)
    convs = [(m, "weight") for m in module.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    torch_prune.global_unstructured(convs, pruning_method=torch_prune.L1Unstructured, amount=0.5)
    unmasked = sum(int(m.weight_mask.sum()) for m, _ in convs)
    updated = write_back(graph, module)
    assert complexity(updated).nnz == unmasked
    x = np.random.default_rng(0).normal(size=SHAPES["x"]).astype(np.float32)
    with torch.no_grad():
        expected = module(torch.from_numpy(x))
    expected = (expected[0] if isinstance(expected, (tuple, list)) else expected).numpy()
    (out,) = frontc.run(updated, {graph.inputs[0].name: x}).values()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
