"""Activations overwrite their input only where nothing else reads it, and never while tracing."""
import numpy as np
import torch

from frontc.backends.torch import run_torch, to_torch
from frontc.frontends.builder import GraphBuilder
from frontc.interpreter import run
from frontc.testing.graphs import tiny_resnet


def shared_input_graph():
    """bn feeds a Relu AND an Add; relu feeds a graph output and another Relu."""
    rng = np.random.default_rng(0)
    b = GraphBuilder("g", "test")
    x = b.input("x", (1, 4, 5, 5))
    stats = [b.param(f"p{i}", rng.uniform(0.5, 1.5, 4)) for i in range(4)]
    bn = b.add1("BatchNorm", [x, *stats], name="bn")
    relu = b.add1("Relu", [bn], name="relu")
    again = b.add1("Sigmoid", [relu], name="sig")
    return b.finish([b.add1("Add", [bn, again], name="add"), relu])


def test_inplace_only_where_the_input_dies():
    graph = shared_input_graph()
    module = to_torch(graph)
    assert module._inplace_layers == {}  # bn is read twice; relu is a graph output
    x = np.random.default_rng(1).uniform(-2, 2, (1, 4, 5, 5)).astype(np.float32)
    ref = run(graph, x)
    out = run_torch(module, {"x": x})
    for name in graph.outputs:
        np.testing.assert_allclose(out[name], ref[name], rtol=0, atol=1e-6)


def test_tiny_resnet_uses_inplace_activations_and_traces_stay_intact():
    graph = tiny_resnet()
    module = to_torch(graph)
    assert set(module._inplace_layers) == {"stem_relu", "block_relu1", "block_relu2", "dw_relu6"}
    x = np.random.default_rng(2).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
    trace, ref = run_torch(module, {"data": x}, trace=True), run(graph, x, trace=True)
    for name in ("stem.bn", "block.add", "block.bn1"):  # inputs of activations, recorded untouched
        np.testing.assert_allclose(trace[name], ref[name], rtol=0, atol=1e-5)
    with torch.no_grad():
        y = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(y, ref["prob"], rtol=0, atol=1e-6)
