"""The ONNX source runner: onnxruntime's intermediate tensors against the IR interpreter."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import frontc
from frontc.cli import main
from frontc.compiler import compile_graph
from frontc.ir import save_graph
from frontc.sources import source_trace
from frontc.testing.graphs import tiny_resnet
from tests.sources.helpers import assert_matches_interpreter, feeds_for, plant_bug, run_diff, save_input


class Block(nn.Module):
    """Conv-BN-ReLU, a residual Add, max pooling, a mean and a classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn(self.conv1(x)))
        z = nn.functional.max_pool2d(torch.relu(self.conv2(y) + y), 2)
        return torch.softmax(self.fc(z.mean((2, 3))), -1)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    torch.manual_seed(0)
    model = Block().eval()
    path = tmp_path_factory.mktemp("onnx") / "block.onnx"
    torch.onnx.export(model, (torch.randn(1, 3, 16, 16),), str(path), dynamo=False,
                      input_names=["x"], output_names=["prob"])
    return str(path)


def test_every_onnx_tensor_matches_the_interpreter(model_path):
    graph = frontc.load(model_path, "onnx")
    feeds = feeds_for(graph)
    trace = source_trace("onnx", model_path, graph, feeds)
    convs = [n.outputs[0] for n in graph.nodes if n.op == "Conv"]
    assert len(convs) == 2 and set(convs) <= set(trace)
    assert len(trace) == len(graph.nodes) == 9  # one IR node per ONNX node here
    assert assert_matches_interpreter(trace, graph, feeds) < 1e-5


def test_fused_graph_matches_at_the_tensors_it_kept(model_path):
    graph = compile_graph(frontc.load(model_path, "onnx")).cmodel
    feeds = feeds_for(graph)
    trace = source_trace("onnx", model_path, graph, feeds)
    assert len(trace) >= 5 and graph.outputs[0] in trace
    assert_matches_interpreter(trace, graph, feeds)


def test_diff_names_the_conv_with_a_planted_bug(model_path, tmp_path, capsys):
    graph = frontc.load(model_path, "onnx")
    conv = [n.name for n in graph.nodes if n.op == "Conv"][1]
    args = ["--graph", plant_bug(graph, conv, tmp_path), "--a", "source", "--b", "ir",
            "--source", model_path, "--framework", "onnx", "--input_npy", save_input(graph, tmp_path)]
    code, out = run_diff(args, capsys)
    assert code == 1
    assert "A: 9 tensors of the onnx model" in out
    assert f"first layer with rel_max > 0.0001: {conv} (Conv)" in out


def test_diff_converts_the_source_when_no_graph_is_given(model_path, tmp_path, capsys):
    x = save_input(frontc.load(model_path, "onnx"), tmp_path)
    code, out = run_diff(["--source", model_path, "--framework", "onnx", "--a", "ir", "--b", "source",
                          "--input_npy", x], capsys)
    assert code == 0
    assert "first layer with rel_max > 0.0001: none" in out and "(converted)" in out


@pytest.mark.parametrize("args, message", [
    (["--a", "source", "--b", "ir"], "runner 'source' needs the source model"),
    (["--source", "m.onnx", "--a", "source"], "--source and --framework go together"),
])
def test_source_runner_options_are_checked(tmp_path, capsys, args, message):
    save_graph(tiny_resnet(), tmp_path / "tiny")
    np.save(tmp_path / "x.npy", np.zeros((1, 3, 32, 32), np.float32))
    code = main(["diff", "--graph", str(tmp_path / "tiny_graph.json"), *args,
                            "--input_npy", str(tmp_path / "x.npy")])
    assert code == 2 and message in capsys.readouterr().err


def test_a_graph_from_another_model_matches_nothing(model_path):
    graph = tiny_resnet()
    with pytest.raises(frontc.FrontcError, match="records no ONNX tensor names"):
        source_trace("onnx", model_path, graph, feeds_for(graph))
