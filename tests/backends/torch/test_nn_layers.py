"""BatchNorm, Dense, Gemm, MatMul, LRN and the pools rebuilt in torch vs the interpreter."""
from __future__ import annotations

import numpy as np
import pytest
from torch import nn

from frontc.backends.torch.layers.nn import EvenLRN, FlatBatchNorm
from frontc.backends.torch.layers.pool import PaddedPool
from tests.backends.torch.util import check_op, layer_of
from tests.interpreter.onnx_single_op import randn, rng
from tests.interpreter.test_nn_kernels import GEMM_CASES, MATMUL_CASES
from tests.interpreter.test_pool_kernels import MAX_ONLY, WINDOWS


@pytest.mark.parametrize("shape,kind", [((4, 3), nn.BatchNorm1d), ((2, 3, 7), nn.BatchNorm1d),
                                        ((2, 5, 4, 6), nn.BatchNorm2d), ((1, 2, 3, 4, 2), nn.BatchNorm3d),
                                        ((2, 3, 2, 3, 2, 2), FlatBatchNorm)])
@pytest.mark.parametrize("epsilon", [1e-5, 1e-3])
def test_batch_norm(shape: tuple, kind: type, epsilon: float) -> None:
    c = shape[1]
    params = {"scale": randn(c, seed=1), "bias": randn(c, seed=2), "mean": randn(c, seed=3),
              "var": rng(4).uniform(0.1, 2.0, c).astype(np.float32)}
    module = check_op("BatchNorm", ["x", *params], {"x": randn(*shape)}, params, {"epsilon": epsilon},
                      "compute")
    assert type(layer_of(module)) is kind and not module.training


@pytest.mark.parametrize("activation,act_params", [("", []), ("Relu", []), ("Relu6", []), ("Clip", [-1, 1]),
                                                   ("LeakyRelu", [0.3]), ("Sigmoid", []),
                                                   ("HardSigmoid", [0.25, 0.5]), ("HardSwish", []),
                                                   ("Swish", [0.8]), ("Swish", []), ("Tanh", [])])
@pytest.mark.parametrize("x_shape", [(4, 6), (2, 3, 6)])
def test_dense(x_shape: tuple, activation: str, act_params: list) -> None:
    params = {"w": randn(7, 6, seed=1), "b": randn(7, seed=2)}
    attrs = {"activation": activation, "activation_params": act_params}
    module = check_op("Dense", ["x", "w", "b"], {"x": randn(*x_shape)}, params, attrs, "compute")
    assert isinstance(layer_of(module).linear, nn.Linear)


def test_dense_without_bias() -> None:
    module = check_op("Dense", ["x", "w"], {"x": randn(3, 8)}, {"w": randn(5, 8, seed=1)}, kind="compute")
    assert layer_of(module).linear.bias is None


@pytest.mark.parametrize("case", GEMM_CASES)
def test_gemm(case: str) -> None:
    a_shape, b_shape, c_shape, attrs = GEMM_CASES[case]
    params = {"b": randn(*b_shape, seed=1)}
    if c_shape is not None:
        params["c"] = randn(*c_shape, seed=2)
    check_op("Gemm", ["x", *params], {"x": randn(*a_shape)}, params, attrs, "compute")


def test_gemm_of_two_inputs() -> None:
    """B a graph input (not a parameter), C a param."""
    feeds = {"x": randn(4, 3), "w": randn(5, 4, seed=1)}
    module = check_op("Gemm", ["x", "w", "c"], feeds, {"c": randn(5, seed=2)},
                      {"transA": 1, "transB": 1, "alpha": 0.5}, "compute")
    assert module.param_keys == {"c": "layers.node.C"}


@pytest.mark.parametrize("a_shape,b_shape", MATMUL_CASES)
def test_matmul(a_shape: tuple, b_shape: tuple) -> None:
    check_op("MatMul", ["a", "b"], {"a": randn(*a_shape), "b": randn(*b_shape, seed=1)}, kind="compute")


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("shape", [(2, 7, 4, 5), (2, 6, 9)])
def test_lrn(size: int, shape: tuple) -> None:
    attrs = {"size": size, "alpha": 2e-3, "beta": 0.6, "bias": 1.5}
    module = check_op("LRN", ["x"], {"x": randn(*shape, scale=3.0)}, attrs=attrs, kind="compute")
    assert isinstance(layer_of(module), nn.LocalResponseNorm if size % 2 else EvenLRN)


def _native(attrs: dict, n: int) -> bool:
    pads = attrs.get("pads") or [0] * 2 * n
    return pads[:n] == pads[n:] and all(p <= k // 2 for p, k in zip(pads, attrs["kernel_shape"]))


@pytest.mark.parametrize("ceil_mode", [0, 1])
@pytest.mark.parametrize("case", [*WINDOWS, *MAX_ONLY])
def test_max_pool(case: str, ceil_mode: int) -> None:
    shape, attrs = {**WINDOWS, **MAX_ONLY}[case]
    attrs = {**attrs, "ceil_mode": ceil_mode}
    module = check_op("MaxPool", ["x"], {"x": randn(*shape, seed=7)}, attrs=attrs)
    native = (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)[len(shape) - 3]
    assert isinstance(layer_of(module), native if _native(attrs, len(shape) - 2) else PaddedPool)


def test_max_pool_all_negative_with_padding() -> None:
    x = -abs(randn(1, 2, 5, 5)) - 1
    check_op("MaxPool", ["x"], {"x": x}, attrs={"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 2, 2],
                                               "ceil_mode": 1})


@pytest.mark.parametrize("count_include_pad", [0, 1])
@pytest.mark.parametrize("ceil_mode", [0, 1])
@pytest.mark.parametrize("case", WINDOWS)
def test_avg_pool(case: str, ceil_mode: int, count_include_pad: int) -> None:
    shape, attrs = WINDOWS[case]
    attrs = {**attrs, "ceil_mode": ceil_mode, "count_include_pad": count_include_pad}
    module = check_op("AvgPool", ["x"], {"x": randn(*shape, seed=8)}, attrs=attrs, kind="compute")
    native = (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)[len(shape) - 3]
    assert isinstance(layer_of(module), native if _native(attrs, len(shape) - 2) else PaddedPool)


@pytest.mark.parametrize("shape", [(2, 3, 5, 7), (1, 4, 9), (1, 2, 3, 4, 5), (2, 3, 1, 1), (1, 2, 2, 3, 2, 3)])
@pytest.mark.parametrize("op,kind", [("GlobalAvgPool", "compute"), ("GlobalMaxPool", "exact")])
def test_global_pool(shape: tuple, op: str, kind: str) -> None:
    check_op(op, ["x"], {"x": randn(*shape, seed=2)}, kind=kind)
