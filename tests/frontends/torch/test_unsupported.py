"""Unsupported aten ops are all reported at once, before anything is converted."""
from __future__ import annotations

import pytest
import torch

import frontc
from frontc.ir.errors import UnsupportedOpError


class SpectralNorm(torch.nn.Module):
    """Uses torch.fft and torch.linalg, which the IR has no ops for."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        spectrum = torch.fft.rfft(x, dim=-1).abs().sum(-1)
        norms = torch.linalg.vector_norm(x, dim=-1)
        again = torch.linalg.vector_norm(x * 2, dim=-1)
        return torch.relu(spectrum + norms + again)


def test_every_unsupported_op_in_one_error() -> None:
    with pytest.raises(UnsupportedOpError) as info:
        frontc.load(SpectralNorm(), "torch", input_shapes={"x": (1, 4, 8)})
    message = str(info.value)
    assert "2 unsupported op type(s)" in message
    assert "aten.fft_rfft.default x1 (fft_rfft)" in message
    assert "aten.linalg_vector_norm.default x2 (linalg_vector_norm, linalg_vector_norm_1)" in message
    assert f"torch {torch.__version__}" in message
    assert "\n" not in message


def test_ops_on_parameters_only_are_folded() -> None:
    """An unsupported op that only reads parameters is evaluated by torch at conversion time."""

    class Normalized(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = torch.nn.Parameter(torch.randn(3, 5))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x @ (self.weight / torch.linalg.vector_norm(self.weight, dim=0)).T

    torch.manual_seed(0)
    model, x = Normalized(), torch.randn(2, 5)
    graph = frontc.load(model, "torch", example_inputs=x)
    with torch.no_grad():
        reference = model(x).numpy()
    actual = frontc.run(graph, {graph.inputs[0].name: x.numpy()})[graph.outputs[0]]
    assert abs(actual - reference).max() <= 1e-5 * abs(reference).max()
    assert [node.op for node in graph.nodes] == ["MatMul"]
