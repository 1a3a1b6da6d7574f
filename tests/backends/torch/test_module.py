"""The module around the layers: names, the state-dict <-> IR params mapping, traces, errors."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

import frontc.interpreter
from frontc.backends.torch import module as module_mod
from frontc.backends.torch import params_from_state_dict, run_torch, to_torch, write_back
from frontc.frontends.builder import GraphBuilder
from frontc.ir.errors import GraphError, OptionError, UnsupportedOpError
from frontc.ir.graph import Graph
from frontc.passes import run_pipeline
from frontc.testing.graphs import tiny_resnet
from tests.interpreter.onnx_single_op import assert_close, ir_graph, randn

PIPELINES = ["reconstruct", "cmodel"]


def _image() -> np.ndarray:
    return np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)


@pytest.fixture(scope="module", params=PIPELINES)
def resnet(request) -> Graph:
    return run_pipeline(tiny_resnet(), request.param)[0]


def test_tiny_resnet_equals_interpreter(resnet: Graph) -> None:
    ref = frontc.interpreter.run(resnet, _image())
    got = run_torch(to_torch(resnet), _image())
    assert list(got) == resnet.outputs
    assert_close(list(got.values()), list(ref.values()), "compute")


def test_state_dict_is_the_ir_params(resnet: Graph) -> None:
    """One state-dict entry per IR param (plus BatchNorm's num_batches_tracked), equal values;
    trainable parameters are the schema weights, running statistics are buffers."""
    module = to_torch(resnet)
    state = module.state_dict()
    assert sorted(module.param_keys) == sorted(resnet.params)
    assert sorted(k for k in state if not k.endswith("num_batches_tracked")) == sorted(module.param_keys.values())
    for param, key in module.param_keys.items():
        np.testing.assert_array_equal(state[key].numpy().reshape(resnet.params[param].shape), resnet.params[param])
    trainable = {name for name, _ in module.named_parameters()}
    stats = {key for param, key in module.param_keys.items() if param.endswith((".mean", ".var"))}
    assert trainable == set(module.param_keys.values()) - stats
    assert all(key.endswith(("running_mean", "running_var")) for key in stats)


def test_params_round_trip_exactly(resnet: Graph) -> None:
    params = params_from_state_dict(resnet, to_torch(resnet).state_dict())
    assert list(params) == list(resnet.params)
    for name, value in resnet.params.items():
        assert params[name].dtype == value.dtype and params[name].shape == value.shape
        np.testing.assert_array_equal(params[name], value)


def test_trace_gives_every_ir_tensor(resnet: Graph) -> None:
    module = to_torch(resnet)
    module.train()
    ref = frontc.interpreter.run(resnet, _image(), trace=True)
    got = run_torch(module, _image(), trace=True)
    assert module.training, "run_torch restores the module's mode"
    assert list(got) == list(ref) == resnet.input_names + [t for node in resnet.nodes for t in node.outputs]
    for name in ref:
        assert_close([got[name]], [ref[name]], "compute")


def _names_graph() -> Graph:
    b = GraphBuilder("names", "test")
    x = b.input("x", (2, 4))
    y = b.add1("Relu", [x], name="a.b/c")
    y = b.add1("Relu", [y], name="a_b_c")
    y = b.add1("Add", [y, b.param("k.0", randn(4, seed=1))], name="forward")
    return b.finish([b.add1("Mul", [y, b.param("keys", randn(4, seed=2))], name="")])


def test_sanitized_names() -> None:
    graph = _names_graph()
    module = to_torch(graph)
    assert module.node_keys == {"a.b/c": "a_b_c", "a_b_c": "a_b_c_1", "forward": "forward_1", "node": "node"}
    assert module.param_keys == {"k.0": "constants.k_0", "keys": "constants.keys_1"}
    assert list(module.state_dict()) == ["constants.k_0", "constants.keys_1"]
    x = randn(2, 4)
    assert_close([run_torch(module, x)["node"]], [frontc.interpreter.run(graph, x)["node"]], "exact")


def _shared_graph() -> Graph:
    """Two Dense layers holding one weight, which an Add also reads; a param as graph output."""
    b = GraphBuilder("shared", "test")
    w = b.param("w", randn(4, 4, seed=1))
    y = b.add1("Dense", [b.input("x", (4, 4)), w], name="fc1")
    y = b.add1("Dense", [y, w], {"activation": "Tanh"}, name="fc2")
    graph = b.finish([b.add1("Add", [y, w], name="add")])
    graph.outputs.append("w")
    return graph


def test_shared_param_is_one_tied_tensor() -> None:
    graph = _shared_graph()
    module = to_torch(graph)
    assert module.param_keys == {"w": "layers.fc1.linear.weight"}
    assert module.layers["fc1"].linear.weight is module.layers["fc2"].linear.weight
    assert len(list(module.parameters())) == 1
    x = randn(4, 4)
    ref, got = frontc.interpreter.run(graph, x), run_torch(module, x)
    assert list(got) == ["add", "w"]
    assert_close(list(got.values()), list(ref.values()), "compute")
    with torch.no_grad():
        module.layers["fc2"].linear.weight.mul_(2)
    np.testing.assert_array_equal(write_back(graph, module).params["w"], graph.params["w"] * 2)


def test_params_from_state_dict_refuses_other_modules() -> None:
    graph, other = _names_graph(), _shared_graph()
    state = to_torch(graph).state_dict()
    with pytest.raises(GraphError, match="are not params of graph 'shared'"):
        params_from_state_dict(other, state)
    del state["constants.k_0"]
    with pytest.raises(GraphError, match="has no 'constants.k_0' for param 'k.0'"):
        params_from_state_dict(graph, state)
    state["constants.k_0"] = torch.zeros(5)
    with pytest.raises(GraphError, match="has shape"):
        params_from_state_dict(graph, state)


def test_run_torch_checks_feeds() -> None:
    module = to_torch(_names_graph())
    with pytest.raises(OptionError, match="expects shape"):
        run_torch(module, randn(3, 4))
    with pytest.raises(OptionError, match="takes 1 inputs"):
        module(torch.zeros(2, 4), torch.zeros(2, 4))


def test_unsupported_attributes_name_the_node() -> None:
    x, w = randn(1, 1, 3, 3, 3, 3), randn(1, 1, 2, 2, 2, 2)
    with pytest.raises(UnsupportedOpError, match="node 'node'.*Conv: 4 spatial axes"):
        to_torch(ir_graph("Conv", ["x", "w"], {"x": x}, {"w": w}))
    with pytest.raises(UnsupportedOpError, match="node 'node'.*input 1 \\('w'\\) is not a param"):
        to_torch(ir_graph("Conv", ["x", "w"], {"x": x[..., 0], "w": w[..., 0]}))
    with pytest.raises(UnsupportedOpError, match="node 'node'.*dtype uint16"):
        to_torch(ir_graph("Cast", ["x"], {"x": x}, attrs={"to": "uint16"}))


def test_ops_without_layer_are_listed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    real = module_mod.layer_spec
    monkeypatch.setattr(module_mod, "layer_spec", lambda op: None if op in ("Add", "Relu") else real(op))
    with pytest.raises(UnsupportedOpError, match=r"2 op\(s\): Add x1 \(first: 'block.add'\), Relu x3"):
        to_torch(tiny_resnet())


def test_import_frontc_does_not_import_torch() -> None:
    code = "import sys, frontc, frontc.backends; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
