"""quantize_graph: every strategy x granularity on small graphs, the IR it writes, and its errors."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.commands.info import summary
from frontc.interpreter import run
from frontc.ir.errors import GraphError, OptionError
from frontc.ir.serialize import load_graph, save_graph
from frontc.passes import run_pipeline
from frontc.quant import STRATEGIES, dequantize, quantize_graph
from frontc.quant.annotations import TensorQuant, node_quant, tensor_quant
from frontc.testing.graphs import quant_ops_net, tiny_resnet
from tests.quant.helpers import minmax_table, random_inputs


@pytest.fixture(scope="module")
def fused():
    graph = run_pipeline(tiny_resnet(), "cmodel")[0]
    inputs = random_inputs(graph, 5)
    return graph, inputs, minmax_table(graph, inputs[:4])


def _distance(q: np.ndarray, f: np.ndarray) -> float:
    return float(np.linalg.norm(q - f) / np.linalg.norm(f))


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("weight_quan", ["perlayer", "perchannel"])
def test_every_strategy_runs_close_to_float(fused, strategy: str, weight_quan: str) -> None:
    graph, inputs, table = fused
    q = quantize_graph(graph, table, strategy, weight_quan=weight_quan)
    x = inputs[4]
    float_out = run(graph, x, trace=True)
    got = dequantize(q, run(q, x, trace=True))
    if strategy == "null":
        np.testing.assert_array_equal(got["prob"], float_out["prob"])
        return
    for node in q.nodes:  # every layer within a few output steps of float (errors accumulate)
        tq = tensor_quant(q, node.outputs[0])
        err = np.abs(got[node.outputs[0]] - float_out[node.outputs[0]]).max()
        assert err <= 12 * float(np.max(tq.scale)), (node.name, err, tq.scale)
    assert _distance(got["prob"], float_out["prob"]) < 0.03
    assert np.argmax(got["prob"]) == np.argmax(float_out["prob"])


def test_integer_ir_holds_int8_weights_int32_bias_and_int8_tensors(fused) -> None:
    graph, inputs, table = fused
    q = quantize_graph(graph, table, "symmetry_max_t", weight_quan="perchannel")
    conv = q.node("block.conv2")
    assert q.params[conv.inputs[1]].dtype == np.int8 and q.params[conv.inputs[2]].dtype == np.int32
    assert {q.tensors[n.outputs[0]].dtype for n in q.nodes} == {"int8"}
    nq = node_quant(conv)
    assert {"requant", "requant_residual", "weight", "bias", "outputs"} <= set(nq)
    assert np.asarray(nq["weight"]["scale"]).shape == (16,) and nq["weight"]["axis"] == 0
    w = graph.params[graph.node("block.conv2").inputs[1]]
    tq = TensorQuant.from_meta(nq["weight"])
    np.testing.assert_allclose(q.params[conv.inputs[1]] * tq.broadcast(tq.scale, 4), w,
                               atol=float(np.max(tq.scale)) / 2 + 1e-7)
    assert graph.params[graph.node("block.conv2").inputs[1]].dtype == np.float32  # the input is untouched
    q16 = quantize_graph(graph, table, "scale_shift_t", weight_bits=16, act_bits=16)
    assert q16.params[q16.node("fc").inputs[1]].dtype == np.int16
    assert q16.tensors["prob"].dtype == "int16"
    assert all(np.frexp(float(TensorQuant.from_meta(d).scale))[0] == 0.5
               for n in q16.nodes for d in node_quant(n)["outputs"].values())


def test_quantized_ir_round_trips_deterministically(tmp_path, fused) -> None:
    graph, inputs, table = fused
    for strategy in ("minmax", "symmetry_max_t"):
        q = quantize_graph(graph, table, strategy, weight_quan="perchannel")
        first = save_graph(q, tmp_path / f"a_{strategy}")
        second = save_graph(quantize_graph(graph, table, strategy, weight_quan="perchannel"),
                            tmp_path / f"b_{strategy}")
        assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
        loaded = load_graph(first[0])
        np.testing.assert_array_equal(run(loaded, inputs[0])["prob"], run(q, inputs[0])["prob"])
        info = summary(loaded)
        assert info["quant"]["strategy"] == strategy
        assert info["quant"]["weights"] == sum(n.op in ("Conv", "Dense") for n in graph.nodes)


def test_lint_checks_annotations(fused) -> None:
    graph, _, table = fused
    q = quantize_graph(graph, table, "symmetry_max", weight_quan="perchannel")
    node = q.node("stem.conv")
    out = node.outputs[0]
    cases = [(("weight", "scale"), np.ones(3), "has 3 scales but 16 channels"),
             (("outputs", out, "scale"), -1.0, "must be positive and finite"),
             (("outputs", out, "scale"), float("nan"), "must be positive and finite"),
             (("outputs", out, "zero_point"), 300, "outside"),
             (("weight", "bits"), 40, "2 to 32")]
    for path, value, message in cases:
        bad = q.copy()
        target = bad.node(node.name).meta["quant"]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        with pytest.raises(GraphError, match=message):
            frontc.ir.lint(bad)
    bare = graph.copy()
    bare.nodes[0].meta["quant"] = node_quant(node)
    with pytest.raises(GraphError, match="the graph has none"):
        frontc.ir.lint(bare)


def test_errors_name_the_missing_tensor_or_unsupported_op(fused) -> None:
    graph, _, table = fused
    out = graph.node("block.conv2").outputs[0]
    partial = {k: v for k, v in table.items() if k != out}
    with pytest.raises(OptionError, match=f"no entry for tensor '{out}' \\(output of node 'block.conv2'\\)"):
        quantize_graph(graph, partial, "symmetry_max")
    with pytest.raises(OptionError, match="unknown quantization strategy"):
        quantize_graph(graph, table, "symmetry_min")
    raw = tiny_resnet()  # unfused: BatchNorm has no integer kernel
    with pytest.raises(OptionError, match="symmetry_max_t cannot execute in integers: "
                                          "BatchNorm \\(no integer kernel\\): node 'stem.bn' and 3 more"):
        quantize_graph(raw, minmax_table(raw, random_inputs(raw, 1)), "symmetry_max_t")


def test_w8a8_is_closer_to_float_than_w4a8() -> None:
    graph = quant_ops_net()
    inputs = random_inputs(graph, 6)
    table = minmax_table(graph, inputs[:4])
    f = run(graph, inputs[5])["fc"] if "fc" in graph.outputs else run(graph, inputs[5], trace=True)["fc"]
    dist = {}
    for bits in (8, 4):
        q = quantize_graph(graph, table, "symmetry_max", weight_quan="perchannel", weight_bits=bits)
        dist[bits] = _distance(run(q, inputs[5], trace=True)["fc"], f)
    assert dist[8] < dist[4] < 1.0


def test_quantize_flow_equals_quantize_graph(fused) -> None:
    graph, inputs, table = fused
    options = {"table": table, "strategy": "scale_shift_t", "weight_quan": "perchannel"}
    flowed, report = run_pipeline(graph, "quantize", options=options)
    direct = quantize_graph(graph, table, "scale_shift_t", weight_quan="perchannel")
    assert report.totals() == {"quantize": 1}
    np.testing.assert_array_equal(run(flowed, inputs[0])["prob"], run(direct, inputs[0])["prob"])
    with pytest.raises(OptionError, match="needs a calibration table"):
        run_pipeline(graph, "quantize", options={"strategy": "minmax"})


def test_a_calibration_table_of_frontc_calibrate_is_accepted_and_checked(fused, tmp_path) -> None:
    from frontc.datasets.images import open_inputs
    from frontc.quant.calibrate import calibrate
    from frontc.quant.table import TableError

    graph, inputs, table = fused
    np.save(tmp_path / "x.npy", np.concatenate(inputs[:4]))
    calibrated, _ = calibrate(graph, open_inputs(tmp_path / "x.npy", graph.inputs[0]), "minmax", progress=False)
    q = quantize_graph(graph, calibrated, "symmetry_max")
    mapped = quantize_graph(graph, {k: {"min": r.min, "max": r.max, "threshold": r.threshold}
                                    for k, r in calibrated.tensors.items()}, "symmetry_max")
    np.testing.assert_array_equal(run(q, inputs[4])["prob"], run(mapped, inputs[4])["prob"])
    other = run_pipeline(tiny_resnet(seed=1), "cmodel")[0]
    with pytest.raises(TableError, match="made for another graph"):
        quantize_graph(other, calibrated, "symmetry_max")
