"""Convert small PyTorch modules with the torch frontend and compare the IR interpreter with
PyTorch's own eval-mode output (the oracle)."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

import frontc
from frontc.analysis.distance import distance
from frontc.catalog.torch_cases import randomize_batchnorm
from frontc.ir.graph import Graph

REL_TOL = 1e-5  # conv, matmul, pooling: max|diff| <= 1e-5 * max|ref|
ELEMENTWISE_TOL = 1e-6  # elementwise ops


def randn(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def flat_outputs(value: Any) -> list[np.ndarray]:
    """A module's outputs (tensor, tuple, list, nested) as numpy arrays, in order."""
    leaves = torch.utils._pytree.tree_leaves(value)
    return [leaf.detach().numpy() for leaf in leaves if isinstance(leaf, torch.Tensor)]


def assert_close(actual: np.ndarray, reference: np.ndarray, rel_tol: float = REL_TOL) -> float:
    """Same shape and dtype, max|diff| <= rel_tol * max|reference|; returns the relative error."""
    assert actual.shape == reference.shape, (actual.shape, reference.shape)
    assert actual.dtype == reference.dtype, (actual.dtype, reference.dtype)
    if reference.dtype.kind in "biu":
        np.testing.assert_array_equal(actual, reference)
        return 0.0
    d = distance(actual, reference, classifier=False)
    assert d.max_abs <= rel_tol * d.max_ref, str(d)
    return d.rel_max


class Fn(torch.nn.Module):
    """A module whose forward is ``fn`` (for single functional ops)."""

    def __init__(self, fn: Any) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, *xs: torch.Tensor) -> Any:
        return self.fn(*xs)


def convert_and_compare(build: Any, *inputs: torch.Tensor, rel_tol: float = REL_TOL,
                        seed: int = 0) -> Graph:
    """Build the module (``build()`` after ``torch.manual_seed(seed)``, BatchNorm statistics
    randomized), convert it; the IR must reproduce every output of PyTorch."""
    torch.manual_seed(seed)
    module = build() if not isinstance(build, torch.nn.Module) else build
    module = randomize_batchnorm(module.eval(), seed)
    graph = frontc.load(module, "torch", example_inputs=inputs)
    outputs = frontc.run(graph, {spec.name: x.numpy() for spec, x in zip(graph.inputs, inputs)})
    with torch.no_grad():
        references = flat_outputs(module(*inputs))
    assert len(outputs) == len(references)
    for actual, reference in zip(outputs.values(), references):
        assert_close(actual, reference, rel_tol)
    return graph


def ops_of(graph: Graph) -> list[str]:
    return [node.op for node in graph.nodes]
