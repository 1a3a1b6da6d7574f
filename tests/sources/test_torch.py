"""The PyTorch source runner: module hooks (nn.Module) and the exported program (TorchScript)
against the IR interpreter."""
from __future__ import annotations

import pytest
import torch

import frontc
from frontc.catalog.torch_cases import build_model
from frontc.compiler import compile_graph
from frontc.sources import source_outputs, source_trace
from tests.sources.helpers import assert_matches_interpreter, feeds_for, plant_bug, run_diff, save_input

SHAPE = (1, 3, 32, 32)


@pytest.fixture(scope="module")
def resnet():
    """ResNet-18 (seeded, BatchNorm randomized): in-place ReLUs, a ReLU module called twice per
    block, downsample branches."""
    model = build_model("resnet18_64")
    return model, frontc.load(model, "torch", input_shapes={"x": SHAPE})


@pytest.fixture(scope="module")
def script_file(tmp_path_factory):
    """SmallUNet saved as TorchScript, and its IR."""
    path = tmp_path_factory.mktemp("torch") / "small_unet.pt"
    torch.jit.script(build_model("small_unet")).save(str(path))
    return str(path), frontc.load(str(path), "torch", input_shapes={"x": SHAPE})


def test_module_hooks_match_the_interpreter(resnet):
    model, graph = resnet
    feeds = feeds_for(graph)
    trace = source_trace("torch", model, graph, feeds)
    outputs = source_outputs(graph, nested=True)
    layers = [path for path, m in model.named_modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert len(layers) == 21 and all(outputs[path][0] in trace for path in layers)
    blocks = [f"layer{i}.{j}" for i in range(1, 5) for j in range(2)]  # block output = its last ReLU
    assert all(outputs[block][0] in trace for block in blocks)
    assert len(trace) >= 50
    assert_matches_interpreter(trace, graph, feeds)


def test_module_hooks_on_the_fused_graph(resnet):
    model, graph = resnet
    fused = compile_graph(graph).cmodel
    feeds = feeds_for(fused)
    trace = source_trace("torch", model, fused, feeds)
    assert len(trace) >= 12 and fused.outputs[0] in trace
    assert_matches_interpreter(trace, fused, feeds)


def test_torchscript_file_runs_as_an_exported_program(script_file):
    path, graph = script_file
    feeds = feeds_for(graph)
    trace = source_trace("torch", path, graph, feeds)
    convs = [n.outputs[0] for n in graph.nodes if n.op == "Conv"]
    assert len(convs) == 6 and set(convs) <= set(trace)
    assert len(trace) >= 20
    assert_matches_interpreter(trace, graph, feeds)


def test_diff_names_the_conv_with_a_planted_bug(script_file, tmp_path, capsys):
    path, graph = script_file
    args = ["--graph", plant_bug(graph, "mid.0", tmp_path), "--a", "source", "--b", "ir",
            "--source", path, "--framework", "torch", "--input_npy", save_input(graph, tmp_path)]
    code, out = run_diff(args, capsys)
    assert code == 1
    assert "first layer with rel_max > 0.0001: mid.0 (Conv)" in out
