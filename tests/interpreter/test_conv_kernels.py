"""Conv and ConvTranspose kernels (plain, and with residual and fused activation) vs onnxruntime."""
from __future__ import annotations

import pytest
from onnx import helper

from tests.interpreter.onnx_single_op import assert_close, ir_op, onnx_activation, onnx_op, randn, run_onnx

CONV_CASES = {
    "plain": ((2, 4, 9, 9), (6, 4, 3, 3), {}, True),
    "stride_pad": ((1, 4, 10, 8), (6, 4, 3, 3), {"strides": [2, 2], "pads": [1, 1, 1, 1]}, True),
    "grouped_asym_pads": ((1, 4, 11, 9), (8, 2, 3, 2),
                          {"group": 2, "pads": [0, 1, 2, 0], "strides": [2, 1]}, False),
    "depthwise": ((1, 6, 9, 9), (6, 1, 3, 3), {"group": 6, "pads": [1, 1, 1, 1]}, True),
    "depthwise_x2_dilated": ((1, 6, 9, 9), (12, 1, 3, 3),
                             {"group": 6, "dilations": [2, 2], "pads": [2, 2, 2, 2]}, True),
    "dilated_strided": ((1, 3, 12, 12), (5, 3, 3, 3),
                        {"dilations": [2, 3], "strides": [3, 2], "pads": [1, 0, 2, 3]}, False),
    "pointwise": ((1, 8, 7, 7), (4, 8, 1, 1), {}, True),
    "kernel_shape_attr": ((1, 3, 6, 6), (2, 3, 2, 2), {"kernel_shape": [2, 2]}, True),
    "1d": ((2, 3, 17), (4, 3, 5), {"strides": [2], "pads": [2, 1], "dilations": [2]}, True),
    "1d_depthwise": ((1, 4, 16), (4, 1, 3), {"group": 4, "pads": [1, 1]}, False),
    "3d": ((1, 2, 5, 6, 7), (3, 2, 2, 3, 2), {"strides": [1, 2, 1], "pads": [1, 0, 1, 0, 1, 1]}, True),
    "3d_grouped": ((1, 4, 5, 4, 6), (6, 2, 3, 2, 2), {"group": 2, "dilations": [1, 2, 1]}, True),
}


def _weights(x_shape, w_shape, bias: bool, seed: int = 0):
    x = randn(*x_shape, seed=seed)
    params = {"w": randn(*w_shape, seed=seed + 1)}
    if bias:
        params["b"] = randn(w_shape[0], seed=seed + 2)
    return x, params


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv(case: str) -> None:
    x_shape, w_shape, attrs, bias = CONV_CASES[case]
    x, params = _weights(x_shape, w_shape, bias)
    inputs = ["x", *params]
    ref = onnx_op("Conv", inputs, {"x": x}, params, **attrs)
    assert_close(ir_op("Conv", inputs, {"x": x}, params, attrs), ref, "compute")


# (IR activation, its params in schema order); every fusable activation, defaults included
ACTIVATIONS = [("", []), ("Relu", []), ("Relu6", []), ("Clip", [-0.5, 0.7]), ("Clip", [0.1]),
               ("LeakyRelu", [0.2]), ("LeakyRelu", []), ("Sigmoid", []), ("HardSigmoid", [0.3, 0.4]),
               ("HardSigmoid", []), ("HardSwish", []), ("Swish", [1.5]), ("Swish", []), ("Tanh", [])]


def _fused_reference(head: list, params: dict, feeds: dict, activation: str, act_params: list,
                     src: str) -> list:
    """Run ONNX ``head`` (whose last output is ``src``) followed by the activation."""
    if not activation:
        head[-1].output[0] = "y"
        return run_onnx(head, feeds, params, opset=14)
    nodes, consts = onnx_activation(activation, act_params, src, "y")
    return run_onnx(head + nodes, feeds, {**params, **consts}, opset=14)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("activation,act_params", ACTIVATIONS)
def test_conv_residual_activation(activation: str, act_params: list, bias: bool) -> None:
    attrs = {"strides": [2, 2], "pads": [1, 0, 1, 1]}
    x, params = _weights((1, 4, 8, 7), (6, 4, 3, 3), bias, seed=3)
    residual = randn(1, 6, 4, 3, seed=9)
    feeds = {"x": x, "r": residual}
    conv_inputs = ["x", "w", "b"] if bias else ["x", "w"]
    head = [helper.make_node("Conv", conv_inputs, ["c"], **attrs),
            helper.make_node("Add", ["c", "r"], ["s"])]
    ref = _fused_reference(head, params, feeds, activation, act_params, "s")
    ir_attrs = {**attrs, "activation": activation, "activation_params": act_params}
    got = ir_op("Conv", [*conv_inputs[:2], "b" if bias else "", "r"], feeds, params, ir_attrs)
    assert_close(got, ref, "compute")


@pytest.mark.parametrize("activation,act_params", [("Relu", []), ("HardSwish", []), ("Clip", [0, 2])])
def test_conv_activation_without_residual(activation: str, act_params: list) -> None:
    x, params = _weights((2, 3, 6, 6), (4, 3, 3, 3), True, seed=5)
    head = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1])]
    ref = _fused_reference(head, params, {"x": x}, activation, act_params, "c")
    attrs = {"pads": [1, 1, 1, 1], "activation": activation, "activation_params": act_params}
    assert_close(ir_op("Conv", ["x", "w", "b"], {"x": x}, params, attrs), ref, "compute")


CONV_TRANSPOSE_CASES = {
    "plain": ((1, 4, 5, 5), (4, 3, 3, 3), {}, True),
    "stride_pad_outpad": ((2, 4, 5, 6), (4, 2, 3, 3),
                          {"strides": [2, 2], "pads": [1, 1, 1, 1], "output_padding": [1, 1]}, True),
    "asym_pads": ((1, 4, 4, 5), (4, 3, 3, 2),
                  {"strides": [3, 2], "pads": [0, 1, 2, 0], "output_padding": [2, 0]}, False),
    "grouped_dilated": ((1, 6, 5, 5), (6, 2, 3, 3),
                        {"group": 3, "strides": [2, 2], "dilations": [2, 1]}, True),
    "depthwise_up": ((1, 4, 6, 6), (4, 1, 4, 4), {"group": 4, "strides": [2, 2], "pads": [1, 1, 1, 1]},
                     False),
    "1d": ((2, 3, 7), (3, 4, 4), {"strides": [2], "pads": [1, 2], "dilations": [2],
                                  "output_padding": [1]}, True),
    "3d": ((1, 2, 3, 4, 3), (2, 2, 2, 3, 2), {"strides": [2, 1, 2], "pads": [0, 1, 0, 0, 1, 1]}, True),
    "3d_grouped": ((1, 4, 3, 3, 2), (4, 1, 2, 2, 3), {"group": 2, "strides": [1, 2, 2]}, False),
}


@pytest.mark.parametrize("case", CONV_TRANSPOSE_CASES)
def test_conv_transpose(case: str) -> None:
    x_shape, w_shape, attrs, bias = CONV_TRANSPOSE_CASES[case]
    x = randn(*x_shape, seed=1)
    params = {"w": randn(*w_shape, seed=2)}
    if bias:
        params["b"] = randn(w_shape[1] * attrs.get("group", 1), seed=3)
    inputs = ["x", *params]
    ref = onnx_op("ConvTranspose", inputs, {"x": x}, params, **attrs)
    assert_close(ir_op("ConvTranspose", inputs, {"x": x}, params, attrs), ref, "compute")


@pytest.mark.parametrize("activation,act_params", [("Relu", []), ("LeakyRelu", [0.1]), ("Sigmoid", [])])
def test_conv_transpose_activation(activation: str, act_params: list) -> None:
    attrs = {"strides": [2, 2], "pads": [1, 1, 1, 1], "output_padding": [1, 1]}
    x = randn(1, 4, 5, 5, seed=4)
    params = {"w": randn(4, 3, 3, 3, seed=5), "b": randn(3, seed=6)}
    head = [helper.make_node("ConvTranspose", ["x", "w", "b"], ["c"], **attrs)]
    ref = _fused_reference(head, params, {"x": x}, activation, act_params, "c")
    got = ir_op("ConvTranspose", ["x", "w", "b"], {"x": x}, params,
                {**attrs, "activation": activation, "activation_params": act_params})
    assert_close(got, ref, "compute")
