"""Conv, ConvTranspose, BatchNorm, Dense, Gemm, MatMul and LRN, one node each, against the interpreter."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.backends.tf import to_keras
from frontc.frontends.builder import GraphBuilder
from tests.backends.tf.util import check, layer_classes, randn, single

CONV_CASES = {
    "plain": ((1, 4, 9, 9), 6, 3, {}),
    "same_pads": ((1, 4, 9, 9), 6, 3, {"pads": [1, 1, 1, 1]}),
    "asymmetric_pads": ((1, 4, 9, 8), 6, 3, {"pads": [0, 2, 1, 1]}),
    "stride2_pads": ((1, 4, 10, 9), 6, 3, {"strides": [2, 2], "pads": [1, 1, 1, 1]}),
    "stride_same": ((1, 4, 10, 10), 6, 3, {"strides": [2, 2], "pads": [0, 0, 1, 1]}),
    "rect_stride": ((1, 4, 11, 9), 6, 3, {"strides": [2, 3], "pads": [1, 0, 2, 1]}),
    "dilation": ((1, 4, 12, 12), 6, 3, {"dilations": [2, 3], "pads": [2, 3, 2, 3]}),
    "dilation_stride": ((1, 4, 13, 12), 6, 3, {"dilations": [2, 2], "strides": [2, 3],
                                               "pads": [1, 2, 2, 1]}),
    "groups": ((1, 8, 7, 7), 12, 3, {"group": 4, "pads": [1, 1, 1, 1]}),
    "depthwise": ((1, 6, 9, 9), 6, 3, {"group": 6, "pads": [1, 1, 1, 1]}),
    "depthwise_mult": ((1, 4, 9, 9), 8, 3, {"group": 4, "strides": [2, 2], "pads": [1, 0, 1, 0]}),
    "depthwise_dilated": ((1, 4, 11, 11), 4, 3, {"group": 4, "dilations": [2, 2], "strides": [2, 2]}),
    "pointwise": ((2, 5, 6, 7), 3, 1, {}),
    "kernel_5x1": ((1, 3, 9, 9), 4, (5, 1), {"pads": [2, 0, 2, 0]}),
}


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("case", sorted(CONV_CASES))
def test_conv(case, bias):
    shape, filters, k, attrs = CONV_CASES[case]
    kh, kw = (k, k) if isinstance(k, int) else k
    w = randn(filters, shape[1] // attrs.get("group", 1), kh, kw, seed=3)
    check(single("Conv", [shape, w, randn(filters, seed=4) if bias else None], attrs), linear=True)


def test_depthwise_and_grouped_use_native_layers():
    depthwise = to_keras(single("Conv", [(1, 6, 8, 8), randn(12, 1, 3, 3)], {"group": 6}))
    grouped = to_keras(single("Conv", [(1, 6, 8, 8), randn(6, 2, 3, 3)], {"group": 3}))
    assert "DepthwiseConv2D" in layer_classes(depthwise)
    conv = next(layer for layer in grouped.layers if type(layer).__name__ == "Conv2D")
    assert conv.groups == 3


@pytest.mark.parametrize("shape,attrs", [
    ((1, 4, 15), {"pads": [2, 1], "strides": [2]}),
    ((1, 4, 15), {"group": 4, "pads": [1, 1]}),
    ((1, 3, 6, 7, 5), {"pads": [1, 0, 1, 1, 1, 0], "strides": [1, 2, 1]}),
], ids=["conv1d", "depthwise1d", "conv3d"])
def test_conv_1d_3d(shape, attrs):
    group = attrs.get("group", 1)
    w = randn(4, shape[1] // group, *[3] * (len(shape) - 2), seed=2)
    check(single("Conv", [shape, w, randn(4)], attrs), linear=True)


FUSED = [("Relu", []), ("Relu6", []), ("Clip", [-0.5, 1.5]), ("LeakyRelu", [0.2]), ("Sigmoid", []),
         ("HardSigmoid", [0.25, 0.4]), ("HardSwish", []), ("Swish", [1.0]), ("Swish", [1.7]), ("Tanh", [])]


@pytest.mark.parametrize("activation,params", FUSED, ids=[f"{a}{p}" for a, p in FUSED])
def test_conv_residual_fused_activation(activation, params):
    """A cmodel Conv: bias, a residual added before the fused activation."""
    b = GraphBuilder("fused", "test")
    x = b.input("x", (1, 4, 8, 8))
    r = b.input("r", (1, 5, 8, 8))
    attrs = {"pads": [1, 1, 1, 1], "activation": activation, "activation_params": params}
    y = b.add1("Conv", [x, b.param("w", randn(5, 4, 3, 3)), b.param("b", randn(5)), r], attrs, name="conv")
    graph = b.finish([y])
    check(graph, linear=True)
    check(graph, linear=True, channels_last_io=True)


@pytest.mark.parametrize("shape,w_shape,attrs", [
    ((1, 4, 5, 5), (4, 3, 3, 3), {}),
    ((1, 4, 5, 6), (4, 3, 3, 3), {"strides": [2, 2], "pads": [1, 1, 1, 1]}),
    ((1, 4, 5, 6), (4, 3, 3, 2), {"strides": [2, 3], "pads": [0, 1, 1, 0], "output_padding": [1, 2]}),
    ((1, 4, 5, 5), (4, 2, 4, 4), {"strides": [2, 2], "pads": [1, 1, 1, 1], "group": 2}),
    ((1, 4, 5, 5), (4, 3, 3, 3), {"dilations": [2, 2], "pads": [1, 2, 0, 1]}),
    ((1, 4, 5, 5), (4, 3, 3, 3), {"dilations": [2, 2], "strides": [2, 2], "output_padding": [1, 0]}),
    ((1, 4, 5, 5), (4, 3, 2, 2), {"strides": [3, 3]}),
    ((1, 3, 7), (3, 2, 3), {"strides": [2], "pads": [1, 0], "output_padding": [1]}),
], ids=["plain", "stride_pads", "asymmetric_outpad", "groups", "dilation", "dilation_stride",
                                 "kernel_below_stride", "1d"])
def test_conv_transpose(shape, w_shape, attrs):
    filters = w_shape[1] * attrs.get("group", 1)
    graph = single("ConvTranspose", [shape, randn(*w_shape, seed=5), randn(filters, seed=6)],
                   {**attrs, "activation": "Relu"})
    check(graph, linear=True)


@pytest.mark.parametrize("shape", [(2, 5, 4, 3), (3, 5), (2, 5, 7)], ids=["4d", "2d", "3d"])
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_batch_norm(shape, channels_last_io):
    c = shape[1]
    rng = np.random.default_rng(0)
    params = [rng.uniform(0.5, 1.5, c), rng.normal(0, 0.3, c), rng.normal(0, 0.3, c), rng.uniform(0.5, 1.5, c)]
    graph = single("BatchNorm", [shape, *[p.astype(np.float32) for p in params]], {"epsilon": 1e-3})
    check(graph, channels_last_io=channels_last_io)


@pytest.mark.parametrize("shape", [(3, 6), (2, 3, 6), (1, 2, 3, 6)], ids=["2d", "3d", "4d"])
@pytest.mark.parametrize("activation", ["", "Relu6"])
def test_dense(shape, activation):
    graph = single("Dense", [shape, randn(4, 6), randn(4)], {"activation": activation})
    check(graph, linear=True)
    check(graph, linear=True, channels_last_io=True)


@pytest.mark.parametrize("attrs,b_shape,c", [
    ({}, (6, 4), (4,)),
    ({"transB": 1}, (4, 6), (1, 4)),
    ({"transA": 1, "alpha": 0.5, "beta": 2.0}, (6, 4), (3, 4)),
    ({"alpha": 1.5}, (6, 4), None),
], ids=["dense", "dense_transB", "transA_alpha_beta", "alpha"])
def test_gemm(attrs, b_shape, c):
    a_shape = (6, 3) if attrs.get("transA") else (3, 6)
    graph = single("Gemm", [a_shape, randn(*b_shape), randn(*c) if c else None], attrs)
    check(graph, linear=True)


def test_gemm_of_two_tensors():
    check(single("Gemm", [(3, 6), (6, 4), (3, 4)], {"beta": 0.5}), linear=True)


@pytest.mark.parametrize("a,b", [
    ((3, 6), np.ones(0)), ((2, 3, 6), np.ones(0)), ((2, 3, 6), (2, 6, 4)), ((6,), (6, 4)),
    ((2, 1, 3, 6), (5, 6, 2)),
], ids=["const_2d", "const_3d", "batched", "vector", "broadcast"])
def test_matmul(a, b):
    b = randn(6, 4) if isinstance(b, np.ndarray) else b
    check(single("MatMul", [a, b]), linear=True)


@pytest.mark.parametrize("size", [3, 4])
@pytest.mark.parametrize("shape", [(1, 7, 4, 5), (1, 7, 6)], ids=["4d", "3d"])
def test_lrn(size, shape):
    check(single("LRN", [shape], {"size": size, "alpha": 1e-2, "beta": 0.75, "bias": 2.0}))
