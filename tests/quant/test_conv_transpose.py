"""Per-channel weights of grouped ConvTranspose: W is (C_in, C_out / group, kH, kW), so output channel
g * C_out / group + j is scaled by the j-th scale along W's axis 1 (what ONNX's DequantizeLinear with
axis 1 means too); checked against an independent per-channel max, ONNX Runtime's QDQ execution, the
integer path and per-layer quantization."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.backends.onnx import run_onnxruntime, to_onnx
from frontc.frontends.builder import GraphBuilder
from frontc.ir.graph import Graph
from frontc.quant import quantize_graph, tensor_quant
from frontc.quant.agreement import lsb_agreement, summary
from frontc.quant.annotations import weight_quant
from tests.quant.helpers import minmax_table, random_inputs


def grouped_deconv_net(seed: int = 0) -> Graph:
    """Two grouped ConvTransposes whose per-group output channels differ in magnitude by up to 100x."""
    rng = np.random.default_rng(seed)
    b = GraphBuilder("grouped_deconv_net", "frontc")
    x = b.input("data", (2, 8, 5, 6), layout="NCHW")
    w1 = rng.standard_normal((8, 3, 3, 3)) * np.array([0.02, 0.2, 2.0]).reshape(1, 3, 1, 1)
    y = b.add1("ConvTranspose", [x, b.param("ct1.weight", w1.astype(np.float32)),
                                 b.param("ct1.bias", rng.normal(0, 0.1, 6).astype(np.float32))],
               {"group": 2, "strides": [2, 2], "pads": [1, 0, 0, 1], "activation": "Relu",
                "activation_params": []}, name="ct1")
    w2 = rng.standard_normal((6, 2, 2, 2)) * np.array([0.05, 1.0]).reshape(1, 2, 1, 1)
    y = b.add1("ConvTranspose", [y, b.param("ct2.weight", w2.astype(np.float32)),
                                 b.param("ct2.bias", rng.normal(0, 0.1, 12).astype(np.float32))],
               {"group": 6, "strides": [1, 2]}, name="ct2")
    return b.finish([y])


@pytest.fixture(scope="module")
def calibrated():
    graph = grouped_deconv_net()
    inputs = random_inputs(graph, 6)
    return graph, minmax_table(graph, inputs[:4]), inputs[4:]


@pytest.mark.parametrize("strategy", ["symmetry_max", "scale_shift", "minmax"])
def test_grouped_conv_transpose_is_quantized_per_output_channel_of_a_group(calibrated, strategy: str) -> None:
    graph, table, _ = calibrated
    q = quantize_graph(graph, table, strategy, weight_quan="perchannel")
    for name, groups in (("ct1", 2), ("ct2", 6)):
        node = q.node(name)
        w, wq, bq = graph.params[node.inputs[1]], weight_quant(node), weight_quant(node, "bias")
        assert wq.axis == 1 and np.shape(wq.scale) == (w.shape[1],)
        if strategy == "symmetry_max":  # independent: max |w| over everything but axis 1, over 127
            np.testing.assert_array_equal(wq.scale, np.float32(np.abs(w).max(axis=(0, 2, 3)) / 127))
        x_scale = float(tensor_quant(q, node.inputs[0]).scale)
        np.testing.assert_array_equal(bq.scale, np.float32(np.tile(wq.scale, groups) * x_scale))


@pytest.mark.parametrize("strategy,lsb", [("symmetry_max", 0), ("minmax", 0), ("scale_shift", 1)])
def test_onnxruntime_runs_the_grouped_per_channel_qdq_export_as_frontc(calibrated, strategy: str, lsb: int) -> None:
    """ORT dequantizes W per channel along axis 1 itself; scale_shift: exact .5 ties round to even in ORT."""
    graph, table, inputs = calibrated
    q = quantize_graph(graph, table, strategy, weight_quan="perchannel")
    model = to_onnx(q)
    axes = [a.i for n in model.graph.node if n.op_type == "DequantizeLinear" and "weight" in n.name
            for a in n.attribute if a.name == "axis"]
    assert axes == [1, 1]
    for x in inputs:
        feeds = {graph.input_names[0]: x}
        expected, actual = frontc.run(q, feeds)["ct2"], run_onnxruntime(q, feeds, model=model)["ct2"]
        step = float(np.max(tensor_quant(q, "ct2").scale))
        assert np.abs(actual - expected).max() <= lsb * step * (1 + 1e-6)


@pytest.mark.parametrize("strategy", ["symmetry_max_t", "scale_shift_t"])
def test_integer_grouped_conv_transpose_follows_fake_quant(calibrated, strategy: str) -> None:
    graph, table, inputs = calibrated
    fake = quantize_graph(graph, table, strategy[:-2], weight_quan="perchannel")
    integer = quantize_graph(graph, table, strategy, weight_quan="perchannel")
    for x in inputs:
        stats = summary(lsb_agreement(fake, integer, x))
        assert stats["isolated_max_lsb"] == 0 and stats["cumulative_max_lsb"] == 0


def test_per_channel_beats_per_layer_on_groups_of_unequal_channels(calibrated) -> None:
    """With 16-bit activations the weights' rounding dominates: the small channels lose it per layer."""
    graph, table, inputs = calibrated
    feeds = {graph.input_names[0]: inputs[0]}
    ref = frontc.run(graph, feeds)["ct2"]
    dist = {}
    for granularity in ("perlayer", "perchannel"):
        out = frontc.run(quantize_graph(graph, table, "symmetry_max", weight_quan=granularity, act_bits=16),
                         feeds)["ct2"]
        per_channel = np.sqrt(((out - ref) ** 2).sum(axis=(0, 2, 3)) / (ref**2).sum(axis=(0, 2, 3)))
        dist[granularity] = float(per_channel.max())  # the worst output channel
    assert dist["perchannel"] < 0.25 * dist["perlayer"], dist
