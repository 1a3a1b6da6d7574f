"""frontc.convert / Model / config_from_model: predictions in every backend equal PyTorch's own (batched
with a padded last batch), trace gives every IR tensor, configs round-trip and bad ones are refused,
and the README's example runs."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

import frontc
from frontc.analysis.distance import distance
from frontc.ir.errors import OptionError

RTOL = 1e-5
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
                               torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(8, 5)).eval()


@pytest.fixture(scope="module")
def model(net):
    return frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)})


@pytest.fixture(scope="module")
def data(net):
    x = np.random.default_rng(0).standard_normal((5, 3, 12, 12)).astype(np.float32)
    with torch.no_grad():
        return x, net(torch.from_numpy(x)).numpy()


@pytest.mark.parametrize("backend", ["interpreter", "torch", "tf", "onnxruntime", "mxnet"])
def test_predict_in_every_backend_matches_pytorch(model, data, backend):
    x, reference = data
    y = model.predict(x, backend=backend)
    assert y.shape == reference.shape == (5, 5)
    assert distance(y, reference).within(RTOL), backend


def test_trace_gives_every_ir_tensor_by_name(model, data):
    x, reference = data
    trace = model.trace(x)
    assert list(trace) == [t for n in model.graph.nodes for t in n.outputs]
    assert all(v.shape[0] == 5 for v in trace.values())
    assert distance(trace[model.graph.outputs[0]], reference).within(RTOL)


def test_config_round_trips_and_lands_in_node_meta(net, model):
    for granularity, section in (("model", None), ("type", "LayerType"), ("name", "LayerName")):
        config = frontc.config_from_model(model, granularity)
        assert config["Model"] == {"Precision": "float32", "Quantization": None}
        if section:
            keys = {n.op for n in model.graph.nodes} if section == "LayerType" else {n.name for n in model.graph.nodes}
            assert set(config[section]) == keys
        again = frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)}, config=config)
        assert again.config == config
        assert all(n.meta["config"] == {"Precision": "float32", "Quantization": None} for n in again.graph.nodes)


@pytest.mark.parametrize("edit, match", [
    (lambda c: c["LayerName"].update({"nope": {"Precision": "float32"}}), "LayerName 'nope' is not a node"),
    (lambda c: c["Model"].update({"Precison": "float32"}), r"unknown keys \['Precison'\]"),
    (lambda c: c["Model"].update({"Precision": "int3"}), "precision 'int3'"),
    (lambda c: c.update({"Layers": {}}), r"unknown sections \['Layers'\]"),
])
def test_bad_configs_are_refused_naming_the_key(net, model, edit, match):
    config = frontc.config_from_model(model, "name")
    edit(config)
    with pytest.raises(OptionError, match=match):
        frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)}, config=config)


def test_unknown_backend_and_framework_are_one_line_errors(model, data):
    with pytest.raises(OptionError, match="unknown runtime 'cuda'"):
        model.predict(data[0], backend="cuda")
    with pytest.raises(OptionError, match="cannot tell the framework"):
        frontc.convert(object())


def test_compile_writes_both_irs(model, tmp_path):
    files = {p.name for p in model.compile(tmp_path / "ir")}
    assert {"IR_for_reconstruct_graph.json", "IR_fused_for_CModel_params.npz"} <= files
    assert frontc.convert(tmp_path / "ir" / "IR_for_reconstruct_graph.json").graph.outputs == model.graph.outputs


def test_readme_example_runs(capsys):
    text = (ROOT / "README.md").read_text()
    code = re.search(r"<!-- api-example:begin -->\n```python\n(.*?)```", text, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    preds = [line.split(" ", 1)[1] for line in lines[:3]]
    assert [line.split()[0] for line in lines[:3]] == ["interpreter", "torch", "onnxruntime"]
    assert preds[0] == preds[1] == preds[2]


QUANT = {"strategy": "symmetry_max", "weight_quan": "perchannel"}


@pytest.fixture(scope="module")
def quantized(net, model, data):
    config = frontc.config_from_model(model, "name")
    config["Model"]["Quantization"] = dict(QUANT)
    config["LayerName"]["0"]["Quantization"] = {"weight_bits": 4}
    return frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)}, config=config, calibration=data[0])


def test_a_quantization_config_gives_the_quantized_fused_ir(net, model, data, quantized):
    from frontc.compiler import compile_graph
    from frontc.datasets.images import MemoryInputs
    from frontc.quant import quantize_graph
    from frontc.quant.annotations import weight_quant
    from frontc.quant.calibrate import calibrate

    q = quantized.quantized
    assert weight_quant(q.node("0")).bits == 4 and weight_quant(q.node("5")).bits == 8
    assert weight_quant(q.node("5")).axis == 0
    fused = compile_graph(model.graph).cmodel  # the same steps, by hand
    table, _ = calibrate(fused, MemoryInputs([data[0]]), "minmax", backend="numpy", progress=False)
    want = quantize_graph(fused, table, "symmetry_max", weight_quan="perchannel", layers={"0": {"weight_bits": 4}})
    x = data[0][:2]
    np.testing.assert_array_equal(quantized.predict(x), frontc.run(want, {"x": x})["5"])
    assert distance(quantized.predict(data[0]), data[1]).rel_l2 < 0.1  # 4-bit first layer: still close


@pytest.mark.parametrize("backend", ["torch", "onnxruntime"])
def test_a_quantized_model_predicts_the_same_bits_in_other_backends(quantized, data, backend):
    np.testing.assert_array_equal(quantized.predict(data[0], backend=backend), quantized.predict(data[0]))


def test_a_layer_kept_float_and_a_quantized_compile(net, model, data, tmp_path):
    config = frontc.config_from_model(model, "type")
    config["Model"]["Quantization"] = dict(QUANT)
    config["LayerType"]["Dense"]["Quantization"] = False
    q = frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)}, config=config, calibration=data[0])
    assert "quant" not in q.quantized.node("5").meta and "quant" in q.quantized.node("0").meta
    trace = q.trace(data[0][:2])
    assert trace["5"].dtype == np.float32 and set(trace) == {n.outputs[0] for n in q.quantized.nodes}
    files = {p.name for p in q.compile(tmp_path / "ir")}
    assert {"IR_quant_graph.json", "IR_quant_params.npz"} <= files
    again = frontc.load_graph(tmp_path / "ir" / "IR_quant_graph.json")
    np.testing.assert_array_equal(frontc.run(again, {"x": data[0][:2]})["5"], q.predict(data[0][:2]))


@pytest.mark.parametrize("edit, match", [
    (lambda c: c["Model"].update({"Quantization": {"strategy": "int4"}}), "unknown quantization strategy 'int4'"),
    (lambda c: c["Model"].update({"Quantization": {"bits": 4}}), r"Quantization has unknown keys \['bits'\]"),
    (lambda c: c["Model"].update({"Quantization": "int8"}), "Quantization must be null or a mapping"),
    (lambda c: c["LayerName"]["1"].update({"Quantization": {"weight_bits": 4}}), "'1' sets .* fused into '0'"),
    (lambda c: c["LayerName"]["5"].update({"Quantization": {"strategy": "minmax"}}), r"unknown keys \['strategy'\]"),
    (lambda c: c["LayerName"]["5"].update({"Quantization": {"weight_bits": 1}}), "weight_bits 1 is not supported"),
])
def test_bad_quantization_configs_are_refused_naming_the_key(net, model, data, edit, match):
    config = frontc.config_from_model(model, "name")
    config["Model"]["Quantization"] = dict(QUANT)
    edit(config)
    with pytest.raises(OptionError, match=match):
        frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)}, config=config, calibration=data[0])


def test_quantizing_needs_calibration_data_and_a_model_level_entry(net, model, data):
    config = frontc.config_from_model(model, "name")
    config["Model"]["Quantization"] = dict(QUANT)
    with pytest.raises(OptionError, match="calibration data is needed"):
        frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)}, config=config)
    with pytest.raises(OptionError, match=r"does not hold inputs of shape \[3, 12, 12\]"):
        frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)}, config=config, calibration=data[0][:, :2])
    config["Model"]["Quantization"] = None
    config["LayerName"]["0"]["Quantization"] = {"weight_bits": 4}
    with pytest.raises(OptionError, match="quantizes layers but not the Model"):
        model.quantize(data[0], config=config)


def test_an_integer_model_runs_bit_exact_in_the_c_model(net, model, data):
    config = frontc.config_from_model(model)
    config["Model"]["Quantization"] = {"strategy": "symmetry_max_t", "weight_quan": "perchannel"}
    q = frontc.convert(net, input_shapes={"x": (2, 3, 12, 12)}, config=config, calibration=data[0])
    np.testing.assert_array_equal(q.predict(data[0], backend="cmodel"), q.predict(data[0]))
    with pytest.raises(OptionError, match="backend 'torch' does not run this model"):
        q.predict(data[0], backend="torch")
    with pytest.raises(OptionError, match="backend 'cmodel' does not run this model"):
        model.predict(data[0], backend="cmodel")
