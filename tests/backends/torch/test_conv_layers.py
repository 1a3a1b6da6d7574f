"""Conv and ConvTranspose rebuilt as nn.ConvNd / nn.ConvTransposeNd vs the interpreter."""
from __future__ import annotations

import pytest
from torch import nn

from tests.backends.torch.util import check_op, layer_of
from tests.interpreter.onnx_single_op import randn
from tests.interpreter.test_conv_kernels import ACTIVATIONS, CONV_CASES, CONV_TRANSPOSE_CASES


def _params(w_shape: tuple, bias: int, seed: int = 0) -> dict:
    params = {"w": randn(*w_shape, seed=seed + 1)}
    if bias:
        params["b"] = randn(bias, seed=seed + 2)
    return params


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv(case: str) -> None:
    x_shape, w_shape, attrs, bias = CONV_CASES[case]
    params = _params(w_shape, w_shape[0] if bias else 0)
    module = check_op("Conv", ["x", *params], {"x": randn(*x_shape)}, params, attrs, "compute")
    layer = layer_of(module)
    n = len(x_shape) - 2
    assert isinstance(layer.conv, (nn.Conv1d, nn.Conv2d, nn.Conv3d)[n - 1])
    pads = attrs.get("pads", [0] * 2 * n)
    assert (layer.pad is None) == (pads[:n] == pads[n:])


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("activation,act_params", ACTIVATIONS)
def test_conv_residual_activation(activation: str, act_params: list, bias: bool) -> None:
    """The residual is added before the fused activation, as the cmodel IR means it."""
    attrs = {"strides": [2, 2], "pads": [1, 0, 1, 1], "activation": activation,
             "activation_params": act_params}
    params = _params((6, 4, 3, 3), 6 if bias else 0, seed=3)
    feeds = {"x": randn(1, 4, 8, 7, seed=3), "r": randn(1, 6, 4, 3, seed=9)}
    inputs = ["x", "w", "b" if bias else "", "r"]
    module = check_op("Conv", inputs, feeds, params, attrs, "compute")
    assert (layer_of(module).activation is None) == (not activation)


def test_conv_constant_residual() -> None:
    """A residual that is a param reaches the layer from ``constants``, as a buffer."""
    params = {"w": randn(3, 2, 3, 3, seed=1), "r": randn(1, 3, 5, 5, seed=2)}
    module = check_op("Conv", ["x", "w", "", "r"], {"x": randn(1, 2, 5, 5)}, params,
                      {"pads": [1, 1, 1, 1], "activation": "Relu"}, "compute")
    assert module.param_keys == {"w": "layers.node.conv.weight", "r": "constants.r"}
    assert [name for name, _ in module.named_parameters()] == ["layers.node.conv.weight"]


@pytest.mark.parametrize("case", CONV_TRANSPOSE_CASES)
def test_conv_transpose(case: str) -> None:
    x_shape, w_shape, attrs, bias = CONV_TRANSPOSE_CASES[case]
    params = _params(w_shape, w_shape[1] * attrs.get("group", 1) if bias else 0, seed=1)
    module = check_op("ConvTranspose", ["x", *params], {"x": randn(*x_shape, seed=1)}, params, attrs,
                      "compute")
    n = len(x_shape) - 2
    pads = attrs.get("pads", [0] * 2 * n)
    assert isinstance(layer_of(module).conv, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)[n - 1])
    assert (layer_of(module).crop is None) == (pads[:n] == pads[n:])


@pytest.mark.parametrize("activation,act_params", [("Relu", []), ("LeakyRelu", [0.1]), ("Sigmoid", []),
                                                   ("HardSigmoid", [0.3, 0.4]), ("Swish", [1.5])])
def test_conv_transpose_activation(activation: str, act_params: list) -> None:
    attrs = {"strides": [2, 2], "pads": [1, 2, 0, 1], "output_padding": [1, 1], "activation": activation,
             "activation_params": act_params}
    params = _params((4, 3, 3, 3), 3, seed=5)
    check_op("ConvTranspose", ["x", "w", "b"], {"x": randn(1, 4, 5, 5, seed=4)}, params, attrs, "compute")
