"""Models quantized by ONNX Runtime's quantize_dynamic (DynamicQuantizeLinear -> MatMulInteger /
ConvInteger -> Cast -> Mul -> Add) import as integer IR ops whose outputs (interpreter, the torch reconstruction and the
ONNX export) equal ONNX Runtime's exactly."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import frontc
from frontc.backends.onnx import run_onnxruntime, to_onnx
from frontc.backends.torch import run_torch, to_torch
from frontc.catalog.onnx_cases import onnxruntime_outputs
from frontc.interpreter import run
from frontc.ir.errors import FrontcError
from tests.frontends.onnx.helpers import model, randn

INPUTS = {"mlp": (4, 20), "cnn": (2, 3, 8, 8)}


@pytest.fixture(scope="module")
def float_models(tmp_path_factory) -> dict[str, str]:
    """A seeded torch MLP and a small CNN (grouped, strided conv) exported to ONNX."""
    import torch
    torch.manual_seed(0)
    nets = {"mlp": torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)),
            "cnn": torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(),
                                       torch.nn.Conv2d(8, 4, 3, stride=2, groups=2), torch.nn.Flatten(),
                                       torch.nn.Linear(36, 5))}
    folder = tmp_path_factory.mktemp("dynamic")
    paths = {}
    for name, net in nets.items():
        paths[name] = str(folder / f"{name}.onnx")
        torch.onnx.export(net.eval(), torch.randn(*INPUTS[name]), paths[name], input_names=["x"],
                          output_names=["y"], dynamo=False, opset_version=17)
    return paths


def quantized(float_path: str, weight_type: str, per_channel: bool) -> onnx.ModelProto:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    target = float_path.replace(".onnx", f"_{weight_type}_{int(per_channel)}.onnx")
    quantize_dynamic(float_path, target, weight_type=getattr(QuantType, weight_type), per_channel=per_channel)
    return onnx.load(target)


def feeds(shape: tuple[int, ...]) -> list[np.ndarray]:
    """Inputs of several ranges, an all-zero one (scale 1) and an all-positive one (zero point 0)."""
    xs = [randn(*shape, seed=seed) * np.float32(2.0 ** (seed - 3)) for seed in range(8)]
    return [*xs, np.zeros(shape, np.float32), np.abs(xs[3])]


@pytest.mark.parametrize("weight_type", ["QInt8", "QUInt8"])
@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("net", ["mlp", "cnn"])
def test_quantize_dynamic_models_equal_onnxruntime(float_models, net, weight_type, per_channel) -> None:
    proto = quantized(float_models[net], weight_type, per_channel)
    graph = frontc.load(proto, "onnx")
    ops = {n.op for n in graph.nodes}
    assert {"DynamicQuantizeLinear", "MatMulInteger"} <= ops and ("ConvInteger" in ops) == (net == "cnn")
    module, exported = to_torch(graph), to_onnx(graph)
    for x in feeds(INPUTS[net]):
        expected = onnxruntime_outputs(proto, {"x": x})[0]
        for got in (run(graph, {"x": x})[graph.outputs[0]], run_torch(module, {"x": x})[graph.outputs[0]],
                    run_onnxruntime(graph, {"x": x}, model=exported)[graph.outputs[0]]):
            assert got.dtype == expected.dtype and np.array_equal(got, expected), np.abs(got - expected).max()


def dql_model() -> onnx.ModelProto:
    node = helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"], name="dql")
    return model([node], {"x": ((37,), TensorProto.FLOAT)},
                 {"y": ((37,), TensorProto.UINT8), "s": ((), TensorProto.FLOAT), "z": ((), TensorProto.UINT8)},
                 opset=13)


@pytest.mark.parametrize("case", ["ties", "negative", "positive", "zeros", "tiny", "wide"])
def test_dynamic_quantize_linear_edge_cases_equal_onnxruntime(case) -> None:
    base = randn(37, seed=4)
    x = {"ties": np.arange(-18, 19, dtype=np.float32) * np.float32(0.5) * np.float32(255 / 18),
         "negative": -np.abs(base), "positive": np.abs(base), "zeros": np.zeros(37, np.float32),
         "tiny": base * np.float32(1e-30), "wide": base * np.float32(1e20)}[case]
    proto = dql_model()
    graph = frontc.load(proto, "onnx")
    got = run(graph, {"x": x})
    for name, expected in zip(graph.outputs, onnxruntime_outputs(proto, {"x": x})):
        assert got[name].dtype == expected.dtype and np.array_equal(got[name], expected), (name, got[name], expected)


def integer_model(op: str, a_shape: tuple[int, ...], b: np.ndarray, a_zp: np.ndarray | None,
                  b_zp: np.ndarray | None, **attrs) -> onnx.ModelProto:
    inits = {"b": b, **({"azp": a_zp} if a_zp is not None else {}), **({"bzp": b_zp} if b_zp is not None else {})}
    node = helper.make_node(op, ["a", "b", "azp" if a_zp is not None else "", "bzp" if b_zp is not None else ""],
                            ["y"], name="n", **attrs)
    a_type = helper.np_dtype_to_tensor_dtype(np.dtype(np.uint8))
    return model([node], {"a": (a_shape, a_type)}, {"y": TensorProto.INT32}, inits, opset=13)


def centered_conv(x: np.ndarray, x_zp: np.ndarray, w: np.ndarray, w_zp: np.ndarray, **attrs) -> np.ndarray:
    """torch's float64 conv of the centered integers (exact below 2**53): the oracle for per-channel
    w zero points, which ONNX Runtime's ConvInteger and onnx's reference evaluator both reject."""
    import torch
    xc = torch.from_numpy(np.pad(x.astype(np.float64) - float(x_zp), [(0, 0), (0, 0), (1, 2), (0, 1)]))
    wc = torch.from_numpy(w.astype(np.float64) - w_zp.astype(np.float64).reshape(-1, 1, 1, 1))
    return torch.nn.functional.conv2d(xc, wc, **attrs).numpy().astype(np.int32)


CONV_ATTRS = [{"group": 2, "strides": [2, 1], "auto_pad": "SAME_UPPER"},
              {"group": 2, "strides": [2, 1], "dilations": [1, 2], "pads": [1, 0, 2, 1]}]


@pytest.mark.parametrize("w_dtype", [np.int8, np.uint8])
@pytest.mark.parametrize("attrs", CONV_ATTRS, ids=["same_upper", "dilated"])
def test_conv_integer_attributes_equal_onnxruntime(w_dtype, attrs) -> None:
    rng = np.random.default_rng(1)
    info = np.iinfo(w_dtype)
    w = rng.integers(info.min, info.max + 1, (6, 2, 3, 2)).astype(w_dtype)
    proto = integer_model("ConvInteger", (1, 4, 9, 7), w, np.array(131, np.uint8),
                          np.array(info.min // 3 + 5, w_dtype), **attrs)
    x = rng.integers(0, 256, (1, 4, 9, 7)).astype(np.uint8)
    graph = frontc.load(proto, "onnx")
    assert np.array_equal(run(graph, {"a": x})[graph.outputs[0]], onnxruntime_outputs(proto, {"a": x})[0])


@pytest.mark.parametrize("w_dtype", [np.int8, np.uint8])
def test_conv_integer_per_channel_zero_point(w_dtype) -> None:
    rng = np.random.default_rng(4)
    info = np.iinfo(w_dtype)
    w = rng.integers(info.min, info.max + 1, (6, 2, 3, 2)).astype(w_dtype)
    w_zp = rng.integers(info.min, info.max + 1, 6).astype(w_dtype)
    proto = integer_model("ConvInteger", (1, 4, 9, 7), w, np.array(131, np.uint8), w_zp, **CONV_ATTRS[1])
    x = rng.integers(0, 256, (1, 4, 9, 7)).astype(np.uint8)
    graph = frontc.load(proto, "onnx")
    expected = centered_conv(x, np.array(131), w, w_zp, groups=2, stride=(2, 1), dilation=(1, 2))
    assert np.array_equal(run(graph, {"a": x})[graph.outputs[0]], expected)


@pytest.mark.parametrize("w_dtype", [np.int8, np.uint8])
@pytest.mark.parametrize("b_zp_shape", [(), (3, 1, 4)])
def test_matmul_integer_batched_with_zero_points(w_dtype, b_zp_shape) -> None:
    rng = np.random.default_rng(2)
    info = np.iinfo(w_dtype)
    b = rng.integers(info.min, info.max + 1, (3, 5, 4)).astype(w_dtype)
    proto = integer_model("MatMulInteger", (3, 2, 5), b, np.array(7, np.uint8),
                          rng.integers(info.min, info.max + 1, b_zp_shape).astype(w_dtype))
    x = rng.integers(0, 256, (3, 2, 5)).astype(np.uint8)
    graph = frontc.load(proto, "onnx")
    assert np.array_equal(run(graph, {"a": x})[graph.outputs[0]], onnxruntime_outputs(proto, {"a": x})[0])


def test_matmul_integer_per_row_zero_point() -> None:
    """ONNX Runtime and onnx's reference evaluator reject a per-row A zero point: torch float64 is the oracle."""
    import torch
    rng = np.random.default_rng(3)
    b, b_zp = rng.integers(-128, 128, (5, 4)).astype(np.int8), rng.integers(-128, 128, 4).astype(np.int8)
    a_zp = rng.integers(0, 256, 2).astype(np.uint8)
    proto = integer_model("MatMulInteger", (2, 5), b, a_zp, b_zp)
    x = rng.integers(0, 256, (2, 5)).astype(np.uint8)
    graph = frontc.load(proto, "onnx")
    expected = torch.from_numpy(x - a_zp.astype(np.float64)[:, None]) @ torch.from_numpy(b - b_zp.astype(np.float64))
    assert np.array_equal(run(graph, {"a": x})[graph.outputs[0]], expected.numpy().astype(np.int32))


@pytest.mark.parametrize("op,a_zp,b_zp,words", [
    ("ConvInteger", np.array([1, 2, 3, 4], np.uint8), None, "x_zero_point of shape (4,)"),
    ("ConvInteger", None, np.array([1, 2], np.int8), "w_zero_point of shape (2,)"),
    ("MatMulInteger", np.array(3, np.int8), None, "a_zero_point must have the dtype"),
])
def test_unsupported_zero_point_forms_are_refused_in_one_line(op, a_zp, b_zp, words) -> None:
    b = np.ones((6, 4, 1, 1) if op == "ConvInteger" else (3, 6), np.int8)
    proto = integer_model(op, (1, 4, 5, 5) if op == "ConvInteger" else (2, 3), b, a_zp, b_zp)
    with pytest.raises(FrontcError) as error:
        frontc.load(proto, "onnx")
    assert words in str(error.value) and "\n" not in str(error.value) and "'n'" in str(error.value)


def test_compile_and_run_cli_give_onnxruntime_outputs(float_models, tmp_path) -> None:
    proto = quantized(float_models["cnn"], "QUInt8", True)
    path = tmp_path / "dynamic.onnx"
    onnx.save(proto, str(path))
    x = feeds(INPUTS["cnn"])[5]
    np.save(tmp_path / "x.npy", x)
    cli = [sys.executable, "-m", "frontc.cli"]
    subprocess.run([*cli, "compile", "onnx", str(path), "-o", str(tmp_path / "ir"), "--no-png"], check=True,
                   capture_output=True)
    subprocess.run([*cli, "run", "--graph", str(tmp_path / "ir" / "IR_fused_for_CModel_graph.json"),
                    "--input_npy", str(tmp_path / "x.npy"), "--output_npy", str(tmp_path / "y.npy")],
                   check=True, capture_output=True)
    assert np.array_equal(np.load(tmp_path / "y.npy"), onnxruntime_outputs(proto, {"x": x})[0])


def test_scales_are_float32_initializers(float_models) -> None:
    """The weight scales the Mul after Cast reads are float32, so no float64 step hides a rounding."""
    proto = quantized(float_models["mlp"], "QInt8", True)
    scales = [numpy_helper.to_array(i) for i in proto.graph.initializer if i.name.endswith("_scale")]
    assert scales and all(s.dtype == np.float32 for s in scales)


def test_integer_ops_count_the_macs_of_the_float_model(float_models) -> None:
    from frontc.analysis.complexity import complexity
    for net in INPUTS:
        dense = complexity(frontc.load(float_models[net], "onnx")).macs
        assert dense > 0 and complexity(frontc.load(quantized(float_models[net], "QInt8", False), "onnx")).macs == dense
