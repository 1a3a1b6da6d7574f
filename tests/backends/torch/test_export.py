"""The reconstructed module survives torch.jit.trace and torch.export.export (both IRs)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import frontc.interpreter
from frontc.backends.torch import to_torch
from frontc.frontends.builder import GraphBuilder
from frontc.ir.graph import Graph
from frontc.passes import run_pipeline
from frontc.testing.graphs import tiny_resnet
from tests.interpreter.onnx_single_op import assert_close, randn


def residual_net() -> Graph:
    """Conv-BN-ReLU, Conv-BN + skip -> LeakyReLU (the cmodel fuses the Add and the activation into
    the Conv), a strided Conv with asymmetric pads + HardSwish, pooling and a Dense."""
    b = GraphBuilder("residual_net", "test")
    x = b.input("x", (1, 8, 9, 9))

    def conv_bn(src: str, name: str, seed: int, **attrs) -> str:
        w = b.param(f"{name}.weight", randn(8, 8, 3, 3, seed=seed) / 8)
        y = b.add1("Conv", [src, w], {"pads": [1, 1, 1, 1], **attrs}, name=name)
        stats = [b.param(f"{name}.bn.{p}", np.abs(randn(8, seed=seed + i)) + 0.5)
                 for i, p in enumerate(("scale", "bias", "mean", "var"))]
        return b.add1("BatchNorm", [y, *stats], name=f"{name}.bn")

    y = b.add1("Relu", [conv_bn(x, "conv1", 1)], name="relu1")
    y = b.add1("Add", [conv_bn(y, "conv2", 10), x], name="add")
    y = b.add1("LeakyRelu", [y], {"alpha": 0.1}, name="leaky")
    y = b.add1("HardSwish", [conv_bn(y, "conv3", 20, strides=[2, 2], pads=[0, 0, 1, 1])], name="hswish")
    y = b.add1("Flatten", [b.add1("GlobalAvgPool", [y], name="gap")], name="flatten")
    return b.finish([b.add1("Dense", [y, b.param("fc.weight", randn(4, 8, seed=30))], name="fc")])


GRAPHS = {"tiny_resnet": tiny_resnet, "residual_net": residual_net}
CASES = [(name, pipeline) for name in GRAPHS for pipeline in ("reconstruct", "cmodel")]


def _setup(name: str, pipeline: str) -> tuple[Graph, torch.nn.Module, list[np.ndarray]]:
    graph = run_pipeline(GRAPHS[name](), pipeline)[0]
    if name == "residual_net" and pipeline == "cmodel":
        conv2 = graph.node("conv2")
        assert conv2.inputs[3] == "x" and conv2.attrs["activation"] == "LeakyRelu"
    rng = np.random.default_rng(5)
    inputs = [rng.uniform(-1, 1, graph.inputs[0].shape).astype(np.float32) for _ in range(2)]
    return graph, to_torch(graph), inputs


def _check(run, graph: Graph, inputs: list[np.ndarray]) -> None:
    """``run`` (a traced or exported program) equals the interpreter on both inputs."""
    for x in inputs:
        with torch.no_grad():
            got = run(torch.from_numpy(x))
        ref = frontc.interpreter.run(graph, x)[graph.outputs[0]]
        assert_close([got.numpy()], [ref], "compute")


@pytest.mark.parametrize("name,pipeline", CASES)
def test_jit_trace(name: str, pipeline: str) -> None:
    graph, module, inputs = _setup(name, pipeline)
    traced = torch.jit.trace(module, (torch.from_numpy(inputs[0]),))
    _check(traced, graph, inputs)
    assert set(traced.state_dict()) == set(module.state_dict())


@pytest.mark.parametrize("name,pipeline", CASES)
def test_torch_export(name: str, pipeline: str) -> None:
    graph, module, inputs = _setup(name, pipeline)
    program = torch.export.export(module, (torch.from_numpy(inputs[0]),))
    _check(program.module(), graph, inputs)
    assert set(program.state_dict) == set(module.state_dict())
