"""Per-layer quantization options (``quantize_graph(..., layers=...)``): other bit widths or granularity
for single nodes, nodes kept in float, and the same mixed graph in the explicit form and in ONNX Runtime."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.backends.onnx import run_onnxruntime, to_onnx
from frontc.interpreter import run
from frontc.interpreter.registry import get_kernel
from frontc.ir.errors import OptionError
from frontc.ir.infer import node_attrs
from frontc.passes import run_pipeline
from frontc.quant import quantize_graph
from frontc.quant.annotations import TensorQuant, node_quant, tensor_quant, weight_quant
from frontc.quant.explicit import explicit_graph
from frontc.quant.quantize import codes, fake_quantize
from frontc.testing.graphs import tiny_resnet
from tests.quant.helpers import minmax_table, random_inputs

LAYERS = {"stem.conv": None, "block.conv1": {"weight_bits": 4}, "fc": {"weight_quan": "perchannel"},
          "dw.conv": {"act_bits": 16}}


@pytest.fixture(scope="module")
def mixed():
    graph = run_pipeline(tiny_resnet(), "cmodel")[0]
    inputs = random_inputs(graph, 5)
    table = minmax_table(graph, inputs[:4])
    return graph, table, quantize_graph(graph, table, "symmetry_max", layers=LAYERS), inputs[4]


def test_each_layer_gets_its_own_options(mixed) -> None:
    graph, table, q, _ = mixed
    assert node_quant(q.node("stem.conv")) == {} and tensor_quant(q, "stem.relu") is None
    assert weight_quant(q.node("block.conv1")).bits == 4 and weight_quant(q.node("block.conv2")).bits == 8
    w4 = q.params[q.node("block.conv1").inputs[1]]
    assert np.unique(codes(w4, weight_quant(q.node("block.conv1")))).size <= 15  # [-7, 7]
    assert weight_quant(q.node("fc")).axis == 0 and weight_quant(q.node("block.conv2")).axis is None
    assert tensor_quant(q, "dw.relu6").bits == 16 and tensor_quant(q, "block.relu2").bits == 8
    assert q.meta["quant"]["layers"]["stem.conv"] is None and q.meta["quant"]["weight_bits"] == 8


def test_a_float_layer_runs_the_float_kernel_and_its_reader_quantizes_its_output(mixed) -> None:
    graph, table, q, x = mixed
    trace = run(q, x, trace=True)
    conv = q.node("stem.conv")
    want = get_kernel("Conv")([x] + [q.params[t] for t in conv.inputs[1:]], node_attrs(conv))
    np.testing.assert_array_equal(trace["stem.relu"], want)  # the raw input, float weights, no rounding
    # the MaxPool after it rounds its own output, by the table's range of that output
    pool = tensor_quant(q, "stem.pool")
    assert pool.scale == pytest.approx(max(-table["stem.pool"]["min"], table["stem.pool"]["max"]) / 127, rel=1e-6)
    maxpool = get_kernel("MaxPool")([trace["stem.relu"]], node_attrs(q.node("stem.pool")))
    np.testing.assert_array_equal(trace["stem.pool"], fake_quantize(maxpool, pool))


def test_all_layers_float_is_the_float_graph(mixed) -> None:
    graph, table, _, x = mixed
    q = quantize_graph(graph, table, "minmax", layers={n.name: None for n in graph.nodes})
    np.testing.assert_array_equal(run(q, x)["prob"], run(graph, x)["prob"])


def test_a_weighted_layer_after_a_float_one_quantizes_its_input(mixed) -> None:
    graph, table, _, x = mixed
    q = quantize_graph(graph, table, "symmetry_max", layers={"block.conv1": None})
    conv2 = node_quant(q.node("block.conv2"))
    want = TensorQuant.from_meta(conv2["x"])
    assert tensor_quant(q, "block.relu1") is None
    assert float(want.scale) == pytest.approx(max(abs(table["block.relu1"]["min"]), table["block.relu1"]["max"]) / 127,
                                              rel=1e-6)


@pytest.mark.parametrize("strategy", ["symmetry_max", "minmax"])
def test_explicit_form_and_onnxruntime_run_the_mixed_graph(mixed, strategy: str) -> None:
    graph, table, _, x = mixed
    # float MaxPool and Flatten (exact in every runtime): block.conv1 and fc quantize their inputs themselves
    layers = {"stem.pool": None, "flatten": None, "fc": {"weight_quan": "perchannel"}}
    q = quantize_graph(graph, table, strategy, layers=layers)
    assert tensor_quant(q, "stem.pool") is None and "x" in node_quant(q.node("block.conv1"))
    want = run(q, x, trace=True)
    got = run(explicit_graph(q), x, trace=True)
    for node in q.nodes:
        np.testing.assert_array_equal(got[node.outputs[0]], want[node.outputs[0]], err_msg=node.name)
    # on a calibration input nothing saturates (ONNX clips narrow int8 at -128, frontc at -127); ONNX rounds
    # exact .5 ties to even, frontc up: with minmax one channel of the GlobalAvgPool sums its 64 codes to 32 mod 64
    inside = random_inputs(graph, 1)[0]
    ort = run_onnxruntime(q, {q.input_names[0]: inside}, model=to_onnx(q))["prob"]
    lsb = np.float32(tensor_quant(q, "prob").scale)
    steps = np.abs(np.rint(ort / lsb) - np.rint(run(q, inside)["prob"] / lsb))  # both on the output grid
    assert steps.max() <= {"symmetry_max": 0, "minmax": 1}[strategy]


def test_a_float_conv_is_reproduced_by_the_explicit_form(mixed) -> None:
    graph, table, q, x = mixed  # (ONNX Runtime's float Conv sums in another order: codes after it may flip)
    want = run(q, x, trace=True)
    got = run(explicit_graph(q), x, trace=True)
    for node in q.nodes:
        np.testing.assert_array_equal(got[node.outputs[0]], want[node.outputs[0]], err_msg=node.name)


@pytest.mark.parametrize(("layers", "message"), [
    ({"nope": None}, "'nope', which is not a node"),
    ({"fc": {"bits": 4}}, r"unknown keys \['bits'\]"),
    ({"fc": {"weight_bits": 1}}, "weight_bits 1 is not supported"),
    ({"fc": {"act_bits": 12}}, "act_bits 12 is not supported"),
    ({"fc": 8}, "must be a mapping or null"),
])
def test_bad_overrides_are_one_line_errors(mixed, layers, message) -> None:
    graph, table, _, _ = mixed
    with pytest.raises(OptionError, match=message):
        quantize_graph(graph, table, "symmetry_max", layers=layers)


def test_integer_strategies_take_one_width_for_the_whole_graph(mixed) -> None:
    graph, table, _, x = mixed
    with pytest.raises(OptionError, match="symmetry_max_t executes the whole graph in integers.*'fc'"):
        quantize_graph(graph, table, "symmetry_max_t", layers={"fc": {"weight_bits": 4}})
    same = quantize_graph(graph, table, "symmetry_max_t", layers={"fc": {"weight_bits": 8}})
    np.testing.assert_array_equal(run(same, x)["prob"], run(quantize_graph(graph, table, "symmetry_max_t"), x)["prob"])
