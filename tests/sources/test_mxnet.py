"""The MXNet source runner: the symbol's internal outputs against the IR interpreter."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.compat.mxnet_env import import_mxnet
from frontc.compiler import compile_graph
from frontc.frontends.mxnet.gluon import randomize_batchnorm
from frontc.sources import source_trace
from tests.sources.helpers import assert_matches_interpreter, feeds_for, plant_bug, run_diff, save_input

SHAPE = (1, 3, 12, 12)


def small_symbol():
    """Conv-BN-ReLU, a residual add, a two-way split and concat, pooling and a classifier."""
    mx = import_mxnet()
    sym = mx.sym
    x = sym.var("data")
    a = sym.Activation(sym.BatchNorm(sym.Convolution(x, num_filter=8, kernel=(3, 3), pad=(1, 1), name="conv1"),
                                     name="bn1"), act_type="relu", name="relu1")
    b = sym.Convolution(a, num_filter=8, kernel=(3, 3), pad=(1, 1), name="conv2")
    c = sym.elemwise_add(a, b, name="add")
    halves = sym.split(c, num_outputs=2, axis=1, name="split")
    d = sym.concat(sym.tanh(halves[0], name="tanh"), sym.sigmoid(halves[1], name="sigmoid"), dim=1, name="concat")
    e = sym.Pooling(d, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool")
    return sym.softmax(sym.FullyConnected(e, num_hidden=5, name="fc"), name="prob")


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    """The symbol saved as an MXNet checkpoint with seeded weights and BatchNorm statistics."""
    mx = import_mxnet()
    symbol = small_symbol()
    rng = np.random.default_rng(0)
    arg_shapes, _, aux_shapes = symbol.infer_shape(data=SHAPE)
    params = {f"arg:{name}": mx.nd.array(rng.uniform(-0.5, 0.5, shape))
              for name, shape in zip(symbol.list_arguments(), arg_shapes) if name != "data"}
    params.update({f"aux:{name}": mx.nd.array(rng.uniform(0.5, 1.5, shape))
                   for name, shape in zip(symbol.list_auxiliary_states(), aux_shapes)})
    prefix = tmp_path_factory.mktemp("mxnet") / "small"
    symbol.save(f"{prefix}-symbol.json")
    mx.nd.save(f"{prefix}-0000.params", params)
    return str(prefix)


def test_internal_outputs_match_the_interpreter(prefix):
    graph = frontc.load(prefix, "mxnet", input_shapes={"data": SHAPE})
    feeds = feeds_for(graph)
    trace = source_trace("mxnet", prefix, graph, feeds)
    assert {"conv1", "conv2", "split", "split:1", "fc"} <= set(trace)  # both outputs of the split
    assert len(trace) == 13  # every MXNet node output (not the Flatten that FullyConnected implies)
    assert_matches_interpreter(trace, graph, feeds)


def test_fused_graph_matches_at_the_tensors_it_kept(prefix):
    graph = compile_graph(frontc.load(prefix, "mxnet", input_shapes={"data": SHAPE})).cmodel
    feeds = feeds_for(graph)
    trace = source_trace("mxnet", prefix, graph, feeds)
    assert {"relu1", "add", "prob"} <= set(trace)
    assert_matches_interpreter(trace, graph, feeds)


def test_gluon_block_is_exported_and_traced():
    mx = import_mxnet()
    nn = mx.gluon.nn
    block = nn.HybridSequential()
    block.add(nn.Conv2D(4, 3, padding=1, in_channels=3), nn.BatchNorm(in_channels=4), nn.Activation("relu"),
              nn.GlobalAvgPool2D(), nn.Dense(3, in_units=4))
    block.initialize(mx.init.Xavier())
    randomize_batchnorm(block, 0)
    graph = frontc.load(block, "mxnet", input_shapes={"data": SHAPE})
    feeds = feeds_for(graph)
    trace = source_trace("mxnet", block, graph, feeds)
    assert len(trace) >= 5 and graph.outputs[0] in trace
    assert_matches_interpreter(trace, graph, feeds)


def test_diff_names_the_conv_with_a_planted_bug(prefix, tmp_path, capsys):
    graph = frontc.load(prefix, "mxnet", input_shapes={"data": SHAPE})
    args = ["--graph", plant_bug(graph, "conv2", tmp_path), "--a", "source", "--b", "ir",
            "--source", prefix, "--framework", "mxnet", "--input_npy", save_input(graph, tmp_path)]
    code, out = run_diff(args, capsys)
    assert code == 1
    assert "first layer with rel_max > 0.0001: conv2 (Conv)" in out
