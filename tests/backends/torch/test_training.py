"""Fine-tune a reconstructed model, write its weights back into the IR, save, reload, and check the
interpreter on the reloaded IR computes what the trained module computes."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import frontc.interpreter
from frontc.backends.torch import to_torch, write_back
from frontc.frontends.builder import GraphBuilder
from frontc.ir import load_graph, save_graph
from frontc.ir.graph import Graph
from frontc.passes import run_pipeline
from frontc.testing.graphs import tiny_resnet
from tests.interpreter.onnx_single_op import randn


def mlp() -> Graph:
    """Dense-ReLU-Dropout-Dense-Softmax on (4, 8) inputs."""
    b = GraphBuilder("mlp", "test")
    h = b.add1("Dense", [b.input("x", (4, 8)), b.param("fc1.weight", randn(16, 8, seed=1) / 3),
                         b.param("fc1.bias", randn(16, seed=2) / 10)], name="fc1")
    h = b.add1("Dropout", [b.add1("Relu", [h], name="relu")], {"ratio": 0.2}, name="drop")
    logits = b.add1("Dense", [h, b.param("fc2.weight", randn(3, 16, seed=3) / 4)], name="fc2")
    return b.finish([b.add1("Softmax", [logits], {"axis": -1}, name="prob")])


GRAPHS = {"tiny_resnet": tiny_resnet, "mlp": mlp}


def _batch(graph: Graph, batch: int, seed: int) -> torch.Tensor:
    shape = (batch, *graph.inputs[0].shape[1:])
    return torch.from_numpy(np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32))


def _fine_tune(module: torch.nn.Module, x: torch.Tensor, steps: int = 5) -> list[float]:
    """SGD on -log p(target) in train mode; returns the losses."""
    targets = torch.arange(x.shape[0]) % 3
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1, momentum=0.9)
    module.train()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        prob = module(x)
        loss = -torch.log(prob[torch.arange(x.shape[0]), targets]).mean()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    return losses


@pytest.mark.parametrize("pipeline", ["reconstruct", "cmodel"])
@pytest.mark.parametrize("name", GRAPHS)
def test_fine_tune_write_back_reload(name: str, pipeline: str, tmp_path) -> None:
    graph = run_pipeline(GRAPHS[name](), pipeline)[0]
    module = to_torch(graph)
    losses = _fine_tune(module, _batch(graph, 4, seed=1))
    assert losses[-1] < losses[0]
    saved = save_graph(write_back(graph, module), tmp_path / "fine_tuned")
    reloaded = load_graph(saved[0])

    x = _batch(graph, graph.inputs[0].shape[0], seed=2)
    module.eval()
    with torch.no_grad():
        trained = module(x).numpy()
    got = frontc.interpreter.run(reloaded, x.numpy())[graph.outputs[0]]
    original = frontc.interpreter.run(graph, x.numpy())[graph.outputs[0]]
    peak = float(np.abs(trained).max())
    assert np.abs(got - trained).max() <= 1e-5 * peak
    assert np.abs(original - trained).max() > 1e-3 * peak

    changed = [p for p in graph.params if not np.array_equal(reloaded.params[p], graph.params[p])]
    assert set(changed) == set(graph.params)
    stats = [p for p in graph.params if p.endswith((".mean", ".var"))]
    assert bool(stats) == (name == "tiny_resnet" and pipeline == "reconstruct")
    for param in stats:  # BatchNorm in train mode updated its running statistics
        key = module.param_keys[param]
        assert key.endswith(("running_mean", "running_var"))
        np.testing.assert_array_equal(reloaded.params[param], module.state_dict()[key].numpy())
