"""Sequence and transformer layers exported by torch.onnx (LSTM, GRU, RNN with their gate orders,
LayerNorm, GELU, embeddings, attention) convert and match onnxruntime."""
from __future__ import annotations

import io
import warnings

import numpy as np
import onnx
import pytest
import torch

import frontc
from frontc.catalog.onnx_cases import onnxruntime_outputs

nn = torch.nn


def _export(module: nn.Module, inputs: tuple, opset: int = 17) -> onnx.ModelProto:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), inputs, buffer, dynamo=False, opset_version=opset)
    return onnx.load_from_string(buffer.getvalue())


def _check(module: nn.Module, inputs: tuple, rel: float = 1e-5, opset: int = 17) -> frontc.Graph:
    proto = _export(module, inputs, opset)
    feeds = {v.name: x.numpy() for v, x in zip(proto.graph.input, inputs)}
    graph = frontc.load(proto, "onnx")
    got = frontc.run(graph, feeds)
    refs = onnxruntime_outputs(proto, feeds)
    with torch.no_grad():
        expected = module(*inputs)
    expected = expected if isinstance(expected, tuple) else (expected,)
    for name, ref, source in zip(graph.outputs, refs, expected):
        source = source[0] if isinstance(source, tuple) else source
        assert got[name].shape == ref.shape and got[name].dtype == ref.dtype
        scale = float(np.abs(ref).max()) or 1.0
        assert np.abs(got[name] - ref).max() <= rel * scale, name
    return graph


class Recurrent(nn.Module):
    def __init__(self, kind: str, bidirectional: bool, batch_first: bool, layers: int = 1) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.rnn = getattr(nn, kind)(6, 5, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
        self.fc = nn.Linear(10 if bidirectional else 5, 3)

    def forward(self, x):
        y = self.rnn(x)[0]
        return self.fc(y)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_recurrent_export(kind: str, bidirectional: bool, batch_first: bool) -> None:
    graph = _check(Recurrent(kind, bidirectional, batch_first, layers=2), (torch.randn(4, 7, 6),))
    assert sum(n.op == kind for n in graph.nodes) == 2


class Encoder(nn.Module):
    """Embedding + one post-norm transformer layer with exact GELU."""

    def __init__(self, activation: str = "gelu") -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embed = nn.Embedding(50, 16)
        self.layer = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, activation=activation, batch_first=True)

    def forward(self, ids):
        return self.layer(self.embed(ids))


def test_transformer_layer_export() -> None:
    ids = torch.from_numpy(np.random.default_rng(0).integers(0, 50, (2, 7)))
    graph = _check(Encoder(), (ids,))
    assert graph.inputs[0].dtype == "int64"


def test_gelu_tanh_and_layer_norm_opset18() -> None:
    module = nn.Sequential(nn.Linear(8, 8), nn.GELU(approximate="tanh"), nn.LayerNorm(8))
    _check(module, (torch.randn(3, 5, 8),), opset=18)
