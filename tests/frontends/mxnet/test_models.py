"""gluoncv zoo networks against MXNet's own inference output, and the MXNet -> ONNX -> IR round trip.

``resnet18_v1_small`` (64x64) runs by default; the 224x224 (Inception v3: 299x299) networks are slow.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import frontc
from frontc.catalog import mxnet_cases
from frontc.catalog.case import seeded_input
from frontc.frontends.mxnet.gluon import export_block, zoo_block
from tests.frontends.mxnet.helpers import assert_close, mx, run_single

CASES = [pytest.param(name, marks=pytest.mark.slow) if slow else name
         for name, (_, _, slow) in mxnet_cases.MODELS.items()]


@pytest.mark.parametrize("name", CASES)
def test_zoo_model_matches_mxnet(name):
    case = mxnet_cases.cases()[name]()
    graph = frontc.load(case.source, "mxnet", input_shapes=case.input_shapes, **case.options)
    assert graph.meta["framework"] == "mxnet" and graph.meta["framework_version"] == "1.9.1"
    assert_close(run_single(graph, case.feeds["data"]), case.reference[0])


@pytest.mark.parametrize("name", CASES)
def test_onnx_round_trip_agrees(name, tmp_path):
    """MXNet's own ONNX export, read by frontc's ONNX frontend, gives the MXNet frontend's result."""
    model, shape, _ = mxnet_cases.MODELS[name]
    net = zoo_block(model, input_shape=shape)
    x = seeded_input(shape)
    reference = net(mx.nd.array(x)).asnumpy()
    prefix = export_block(net, [shape], tmp_path, model)
    onnx_path = mx.onnx.export_model(prefix + "-symbol.json", prefix + "-0000.params", [shape],
                                     [np.float32], str(tmp_path / f"{model}.onnx"))
    via_mxnet = run_single(frontc.load(prefix, "mxnet", input_shapes={"data": shape}), x)
    via_onnx = run_single(frontc.load(onnx_path, "onnx"), x)
    assert_close(via_mxnet, reference)
    assert_close(via_onnx, reference)
    assert_close(via_onnx, via_mxnet)


def test_ir_node_names_are_mxnet_node_names(tmp_path):
    net = zoo_block("resnet18_v1", input_shape=(1, 3, 64, 64))
    prefix = export_block(net, [(1, 3, 64, 64)], tmp_path, "resnet")
    graph = frontc.load(prefix, "mxnet", input_shapes={"data": (1, 3, 64, 64)})
    symbol = json.loads(open(prefix + "-symbol.json").read())
    ops = [n for n in symbol["nodes"] if n["op"] != "null"]
    for node in ops:  # every MXNet op has an IR node of its own name, traced back to it
        assert graph.node(node["name"]).meta["source"] == node["name"]
    assert set(graph.meta["source_names"].values()) <= {n["name"] for n in ops}
    assert graph.outputs == [symbol["nodes"][index]["name"] for index, _, _ in symbol["heads"]]


def test_epoch_selects_the_params_file(tmp_path):
    """Epoch 1 holds other weights; MXNet's SymbolBlock on the same files is the oracle."""
    shape = (1, 3, 64, 64)
    net = zoo_block("resnet18_v1", input_shape=shape)
    prefix = export_block(net, [shape], tmp_path, "resnet")
    rng = np.random.default_rng(7)
    params = mx.nd.load(prefix + "-0000.params")
    mx.nd.save(prefix + "-0001.params", {k: v * float(rng.uniform(0.8, 1.2)) if k.startswith("arg:")
                                         else v for k, v in params.items()})
    block = mx.gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data"], prefix + "-0001.params")
    x = seeded_input(shape, seed=4)
    reference = block(mx.nd.array(x)).asnumpy()
    graph = frontc.load(prefix + "-symbol.json", "mxnet", input_shapes={"data": shape}, epoch=1)
    assert_close(run_single(graph, x), reference)
    assert not np.allclose(run_single(frontc.load(prefix, "mxnet", input_shapes={"data": shape}), x),
                           reference)


@pytest.mark.parametrize("spelling, name", [("resnet50v1b", "resnet50_v1b"),
                                            ("mobilenet_v2_1.0", "mobilenetv2_1.0"),
                                            ("MobileNetV3_Large", "mobilenetv3_large"),
                                            ("squeezenet1.1", "squeezenet1.1")])
def test_zoo_name_spellings(spelling, name):
    from frontc.frontends.mxnet.gluon import zoo_name
    assert zoo_name(spelling) == name


def test_gluon_lstm_matches_mxnet():
    """gluon rnn.LSTM (2 layers, bidirectional): the fused RNN op's flat parameters split and regated."""
    case = mxnet_cases.cases()["gluon_lstm"]()
    graph = frontc.load(case.source, "mxnet", input_shapes=case.input_shapes)
    assert [n.op for n in graph.nodes].count("LSTM") == 2
    assert_close(run_single(graph, case.feeds["data"]), case.reference[0])
