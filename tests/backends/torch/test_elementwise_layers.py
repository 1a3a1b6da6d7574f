"""Arithmetic, unary math, activations, PRelu and Softmax rebuilt in torch vs the interpreter."""
from __future__ import annotations

import numpy as np
import pytest
from torch import nn

from frontc.backends.torch.layers.activation import Clamp, HardSigmoid, PReLU, Swish
from frontc.ir.ops.elementwise import ACTIVATION_OPS, BINARY_OPS
from tests.backends.torch.util import check_op, layer_of
from tests.interpreter.onnx_single_op import randn, rng
from tests.interpreter.test_elementwise_kernels import ACTIVATIONS, BROADCASTS, _operands, _unary_input


@pytest.mark.parametrize("a_shape,b_shape", BROADCASTS)
@pytest.mark.parametrize("op", BINARY_OPS)
def test_binary(op: str, a_shape: tuple, b_shape: tuple) -> None:
    a, b = _operands(op, a_shape, b_shape)
    check_op(op, ["a", "b"], {"a": a, "b": b})


@pytest.mark.parametrize("op", BINARY_OPS)
def test_binary_constant_is_a_buffer(op: str) -> None:
    """A constant operand (here on the left) is a buffer of ``constants``, not a parameter."""
    a, b = _operands(op, (3, 1), (2, 3, 4))
    module = check_op(op, ["a", "b"], {"b": b}, {"a": a})
    assert module.param_keys == {"a": "constants.a"}
    assert not list(module.parameters()) and list(module.state_dict()) == ["constants.a"]


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div", "Max", "Min"])
def test_binary_integer(op: str, dtype: str) -> None:
    a = rng(3).integers(-50, 50, (4, 5)).astype(dtype)
    b = rng(4).integers(1, 9, (5,)).astype(dtype) * np.array([1, -1, 1, -1, 1], dtype=dtype)
    check_op(op, ["a", "b"], {"a": a, "b": b})


def test_div_int64_beyond_float64_precision() -> None:
    a = np.array([2**62 + 1, -(2**62) - 3, 2**53 + 1, 7, -7], dtype=np.int64)
    b = np.array([3, 7, 2, -2, 2], dtype=np.int64)
    check_op("Div", ["a", "b"], {"a": a, "b": b})


def test_pow_integer_exponent() -> None:
    check_op("Pow", ["a", "b"], {"a": randn(2, 5, scale=2.0)}, {"b": np.array([0, 1, 2, 3, -1], np.int64)})


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), ()])
@pytest.mark.parametrize("op", ["Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil"])
def test_unary(op: str, shape: tuple) -> None:
    check_op(op, ["x"], {"x": _unary_input(op, shape)})


NATIVE = {"Relu": nn.ReLU, "Relu6": nn.ReLU6, "Sigmoid": nn.Sigmoid, "Tanh": nn.Tanh, "HardSwish": nn.Hardswish,
          "Clip": nn.Hardtanh, "LeakyRelu": nn.LeakyReLU, "Elu": nn.ELU, "HardSigmoid": HardSigmoid,
          "Swish": Swish}


@pytest.mark.parametrize("shape", [(2, 3, 5, 4), ()])
@pytest.mark.parametrize("name,params", ACTIVATIONS + [("HardSigmoid", [float(np.float32(1 / 6)), 0.5]),
                                                       ("Clip", [0.5, 0.5]), ("Clip", [1.0, -1.0])])
def test_activation(name: str, params: list, shape: tuple) -> None:
    attrs = dict(zip(ACTIVATION_OPS[name], params))
    module = check_op(name, ["x"], {"x": randn(*shape, seed=6, scale=4.0)}, attrs=attrs)
    expected = NATIVE[name]
    if name == "HardSigmoid" and params[:1] == [float(np.float32(1 / 6))]:
        expected = nn.Hardsigmoid
    if name == "Swish" and params in ([], [1.0]):
        expected = nn.SiLU
    if name == "Clip" and len(params) == 2 and params[0] >= params[1]:
        expected = Clamp
    assert type(layer_of(module)) is expected


@pytest.mark.parametrize("name", ["Sigmoid", "Tanh", "Elu", "Swish", "HardSwish"])
def test_activation_saturates(name: str) -> None:
    x = np.array([-1e4, -100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0, 1e4], dtype=np.float32)
    check_op(name, ["x"], {"x": x})


@pytest.mark.parametrize("slope_shape,native", [((3, 1, 1), True), ((1,), True), ((), True), ((5,), False),
                                                ((2, 3, 4, 5), False), ((1, 3, 1, 1), True)])
def test_prelu(slope_shape: tuple, native: bool) -> None:
    slope = randn(*slope_shape, seed=8, scale=0.5)
    module = check_op("PRelu", ["x", "slope"], {"x": randn(2, 3, 4, 5, seed=7)}, {"slope": slope})
    assert type(layer_of(module)) is (nn.PReLU if native else PReLU)
    assert module.param_keys == {"slope": "layers.node.weight"}


def test_prelu_slope_input() -> None:
    check_op("PRelu", ["x", "s"], {"x": randn(2, 3, 4), "s": randn(3, 1, seed=1)})


@pytest.mark.parametrize("shape,axis", [((4, 10), -1), ((4, 10), 0), ((2, 3, 5), 1), ((2, 3, 4, 5), 2),
                                        ((2, 3, 4, 5), -1), ((7,), 0)])
def test_softmax(shape: tuple, axis: int) -> None:
    check_op("Softmax", ["x"], {"x": randn(*shape, seed=9, scale=5.0)}, attrs={"axis": axis})


def test_softmax_large_logits() -> None:
    check_op("Softmax", ["x"], {"x": np.array([[1000.0, 999.0, -1000.0], [-1e4, -1e4, -1e4]], np.float32)})
