"""Quantized graphs export as QDQ: a QuantizeLinear/DequantizeLinear pair per annotated activation,
int8 weights and int32 biases behind DequantizeLinear (per channel where annotated), and ONNX Runtime
gives frontc's fake-quant result: exactly for symmetry_max and minmax, within one output LSB for
scale_shift (power-of-two scales hit exact .5 ties, which ONNX rounds to even and frontc up)."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import numpy_helper

import frontc
from frontc.backends.onnx import run_onnxruntime, to_onnx
from frontc.compiler import compile_graph
from frontc.ir.errors import UnsupportedOpError
from frontc.quant import quantize_graph, tensor_quant
from frontc.testing.graphs import tiny_resnet

LSB = {"symmetry_max": 0, "minmax": 0, "scale_shift": 1}


@pytest.fixture(scope="module")
def calibrated():
    graph = compile_graph(tiny_resnet()).cmodel
    x = np.random.default_rng(0).uniform(-1, 1, graph.inputs[0].shape).astype(np.float32)
    trace = frontc.run(graph, {graph.input_names[0]: x}, trace=True)
    table = {t: {"min": float(v.min()), "max": float(v.max())} for t, v in trace.items() if v.dtype == np.float32}
    return graph, table


@pytest.mark.parametrize("granularity", ["perlayer", "perchannel"])
@pytest.mark.parametrize("strategy", list(LSB))
def test_onnxruntime_runs_the_qdq_export_as_frontc_fake_quant(calibrated, strategy, granularity):
    graph, table = calibrated
    qgraph = quantize_graph(graph, table, strategy, weight_quan=granularity)
    model = to_onnx(qgraph)
    ops = [n.op_type for n in model.graph.node]
    annotated = [t for n in qgraph.nodes for t in n.outputs if tensor_quant(qgraph, t) is not None]
    weights = [n for n in qgraph.nodes if "weight" in n.meta.get("quant", {})]
    assert ops.count("QuantizeLinear") == len(annotated) + len(qgraph.inputs)
    assert ops.count("DequantizeLinear") == ops.count("QuantizeLinear") + len(weights) + sum(
        "bias" in n.meta["quant"] for n in weights)
    ints = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer if i.name.endswith("weight_quantized")}
    assert len(ints) == len(weights) and all(v.dtype in (np.int8, np.uint8) for v in ints.values())
    x = np.random.default_rng(1).uniform(-1, 1, graph.inputs[0].shape).astype(np.float32)
    feeds = {graph.input_names[0]: x}
    expected, actual = frontc.run(qgraph, feeds), run_onnxruntime(qgraph, feeds, model=model)
    out = qgraph.outputs[0]
    lsb = float(np.max(tensor_quant(qgraph, out).scale))
    assert np.abs(actual[out] - expected[out]).max() <= LSB[strategy] * lsb * (1 + 1e-6)
    assert (actual[out].argmax(-1) == expected[out].argmax(-1)).all()


def test_integer_graphs_and_wide_activations_are_refused(calibrated):
    graph, table = calibrated
    with pytest.raises(UnsupportedOpError, match="runs in integers"):
        to_onnx(quantize_graph(graph, table, "symmetry_max_t"))
    with pytest.raises(UnsupportedOpError, match="16 bits"):
        to_onnx(quantize_graph(graph, table, "symmetry_max", act_bits=16))
