"""Cross-checks on real networks: dense FLOPs against torch's FlopCounterMode, parameter counts against
each source framework's own count."""
import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

import frontc
from frontc.analysis.complexity import complexity, param_counts
from frontc.catalog import keras_cases, mxnet_cases, torch_cases
from frontc.compiler import compile_graph

TORCH_MODELS = [pytest.param("mobilenet_v2_96", id="mobilenet_v2_96"),
                pytest.param("resnet50", marks=pytest.mark.slow, id="resnet50"),
                pytest.param("mobilenet_v2", marks=pytest.mark.slow, id="mobilenet_v2"),
                pytest.param("efficientnet_lite0", marks=pytest.mark.slow, id="efficientnet_lite0")]


@pytest.mark.parametrize("name", TORCH_MODELS)
def test_torch_flops_and_params(name):
    model = torch_cases.build_model(name)
    shape = torch_cases.MODELS[name][1]
    graph = frontc.load(model, "torch", input_shapes={"x": shape})
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.zeros(shape))
    for ir in (graph, compile_graph(graph).cmodel):
        assert 2 * complexity(ir).macs == counter.get_total_flops()
    assert param_counts(graph)["trainable"] == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name", [pytest.param("small_cnn", id="small_cnn"),
                                  pytest.param("resnet50", marks=pytest.mark.slow, id="resnet50")])
def test_keras_params(name):
    case = keras_cases.cases()[name]()
    graph = frontc.load(case.source, "tf", input_shapes=case.input_shapes)
    assert param_counts(graph)["total"] == case.source.count_params()


@pytest.mark.parametrize("name", [pytest.param("resnet18_v1_small", id="resnet18_v1_small"),
                                  pytest.param("resnet50_v1b", marks=pytest.mark.slow, id="resnet50_v1b")])
def test_mxnet_params_file(name, tmp_path):
    from frontc.frontends.mxnet.gluon import export_block, zoo_block
    from frontc.frontends.mxnet.params import read_params
    zoo, shape, _ = mxnet_cases.MODELS[name]
    prefix = export_block(zoo_block(zoo, seed=0, input_shape=shape), [shape], tmp_path, zoo)
    stored = read_params(prefix + "-0000.params")
    graph = frontc.load(prefix + "-symbol.json", "mxnet", input_shapes={"data": shape})
    assert param_counts(graph)["total"] == sum(int(np.prod(v.shape)) for v in stored.values())
