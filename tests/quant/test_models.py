"""Model-level quantization (slow): integer vs fake-quant LSB agreement on real networks,
W8A8 vs W4A8, and the frozen TensorFlow .pb of a quantized model."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.interpreter import run
from frontc.passes import run_pipeline
from frontc.quant import dequantize, quantize_graph
from frontc.quant.agreement import lsb_agreement, summary
from tests.quant.helpers import minmax_table, run_frozen

pytestmark = pytest.mark.slow


def _torch_graph(name: str):
    from frontc.catalog.torch_cases import MODELS, build_model
    return run_pipeline(frontc.load(build_model(name), "torch", input_shapes={"x": MODELS[name][1]}), "cmodel")[0]


@pytest.fixture(scope="module")
def efficientnet():
    """Trained EfficientNet-Lite0; calibrated on 12 of the 20 ImageNet samples, checked on the other 8."""
    from frontc.data.imagenet_samples import imagenet_samples
    images, _ = imagenet_samples()
    graph = _torch_graph("efficientnet_lite0")
    return graph, images, minmax_table(graph, [images[i:i + 1] for i in range(12)])


@pytest.mark.parametrize("strategy", ["symmetry_max_t", "scale_shift_t"])
def test_efficientnet_integer_layers_within_one_lsb(efficientnet, strategy: str) -> None:
    graph, images, table = efficientnet
    fake = quantize_graph(graph, table, strategy[:-2], weight_quan="perchannel")
    integer = quantize_graph(graph, table, strategy, weight_quan="perchannel")
    agree, top1 = [], 0
    for i in range(12, 20):
        x = images[i:i + 1]
        stats = summary(lsb_agreement(fake, integer, x))
        agree.append(stats)
        f = run(graph, x)[graph.outputs[0]]
        q = dequantize(integer, run(integer, x))[graph.outputs[0]]
        top1 += int(np.argmax(f) == np.argmax(q))
    print(strategy, {k: (min(s[k] for s in agree), max(s[k] for s in agree)) for k in agree[0]},
          f"top-1 agreement with float {top1}/8")
    assert max(s["isolated_max_lsb"] for s in agree) <= 1
    assert min(s["isolated_exact"] for s in agree) > 0.99


@pytest.mark.parametrize("name", ["resnet18_64", "mobilenet_v2_96"])
def test_seeded_networks_integer_agreement_and_weight_bits(name: str) -> None:
    graph = _torch_graph(name)
    rng = np.random.default_rng(0)
    inputs = [rng.uniform(-1, 1, graph.inputs[0].shape).astype(np.float32) for _ in range(5)]
    table = minmax_table(graph, inputs[:4])
    fake = quantize_graph(graph, table, "symmetry_max", weight_quan="perchannel")
    stats = summary(lsb_agreement(fake, quantize_graph(graph, table, "symmetry_max_t", weight_quan="perchannel"),
                                  inputs[4]))
    assert stats["isolated_max_lsb"] <= 1, stats
    f = run(graph, inputs[4])[graph.outputs[0]]
    dist = {}
    for bits in (8, 4):
        q = quantize_graph(graph, table, "symmetry_max", weight_quan="perchannel", weight_bits=bits)
        out = run(q, inputs[4])[graph.outputs[0]]
        dist[bits] = float(np.linalg.norm(out - f) / np.linalg.norm(f))
    print(name, stats, "W8A8 / W4A8 distance", dist)
    assert dist[8] < dist[4]


def test_frozen_pb_reproduces_the_quantized_model(tmp_path, efficientnet) -> None:
    """Bit for bit while grappler's constant folding is off; with it on, TF folds the float scale into
    the integer weights (exact only for power-of-two scales): measured and printed."""
    from frontc.quant.explicit import save_quantized_pb
    graph, images, table = efficientnet
    x = images[12:13]
    for strategy in ("minmax", "symmetry_max", "scale_shift", "symmetry_max_t"):
        q = quantize_graph(graph, table, strategy, weight_quan="perchannel")
        frozen = save_quantized_pb(q, tmp_path / f"{strategy}.pb")
        ours = run(quantize_graph(graph, table, strategy.replace("_t", ""), weight_quan="perchannel"), x)
        ours = ours[graph.outputs[0]]
        np.testing.assert_array_equal(run_frozen(frozen, x, constant_folding=False), ours)
        folded = run_frozen(frozen, x, constant_folding=True)
        print(strategy, "TF .pb with constant folding vs frontc: relative L2",
              float(np.linalg.norm(folded - ours) / np.linalg.norm(ours)),
              "same top-1", int(np.argmax(folded) == np.argmax(ours)))
