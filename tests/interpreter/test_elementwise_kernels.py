"""Broadcasting arithmetic, unary math, activations, PRelu and Softmax vs onnxruntime."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.ir.ops.elementwise import ACTIVATION_OPS, BINARY_OPS
from tests.interpreter.onnx_single_op import (
    assert_close,
    ir_op,
    onnx_activation,
    onnx_op,
    randn,
    rng,
    run_onnx,
)

BROADCASTS = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((1,), (2, 3)),
              ((2, 3), ()), ((), (2, 3)), ((3, 1, 5), (1, 4, 1)), ((1, 4, 1, 1), (2, 1, 3, 5))]


def _operands(op: str, a_shape: tuple, b_shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    a, b = randn(*a_shape, seed=1, scale=2.0), randn(*b_shape, seed=2, scale=2.0)
    if op == "Pow":  # a positive base keeps every power real
        a = np.asarray(np.abs(a) + np.float32(0.1))
    if op == "Div":  # keep divisors away from zero
        b = np.where(b < 0, b - 0.5, b + 0.5).astype(np.float32)
    return a, b


@pytest.mark.parametrize("a_shape,b_shape", BROADCASTS)
@pytest.mark.parametrize("op", BINARY_OPS)
def test_binary(op: str, a_shape: tuple, b_shape: tuple) -> None:
    a, b = _operands(op, a_shape, b_shape)
    feeds = {"a": a, "b": b}
    ref = onnx_op(op, ["a", "b"], feeds)
    assert_close(ir_op(op, ["a", "b"], feeds), ref, "exact")


@pytest.mark.parametrize("op", BINARY_OPS)
def test_binary_param_first(op: str) -> None:
    """A param on the left (e.g. 1 - x), broadcast against a graph input."""
    a, b = _operands(op, (3, 1), (2, 3, 4))
    ref = onnx_op(op, ["a", "b"], {"b": b}, {"a": a})
    assert_close(ir_op(op, ["a", "b"], {"b": b}, {"a": a}), ref, "exact")


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div", "Max", "Min"])
def test_binary_integer(op: str, dtype: str) -> None:
    """Integer arithmetic is exact; Div truncates toward zero as in C."""
    a = rng(3).integers(-50, 50, (4, 5)).astype(dtype)
    b = rng(4).integers(1, 9, (5,)).astype(dtype) * np.array([1, -1, 1, -1, 1], dtype=dtype)
    ref = onnx_op(op, ["a", "b"], {"a": a, "b": b})
    assert_close(ir_op(op, ["a", "b"], {"a": a, "b": b}), ref, "exact")


def test_div_int64_beyond_float64_precision() -> None:
    a = np.array([2**62 + 1, -(2**62) - 3, 2**53 + 1, 7, -7], dtype=np.int64)
    b = np.array([3, 7, 2, -2, 2], dtype=np.int64)
    ref = onnx_op("Div", ["a", "b"], {"a": a, "b": b})
    assert_close(ir_op("Div", ["a", "b"], {"a": a, "b": b}), ref, "exact")


def test_pow_integer_exponent() -> None:
    """ONNX Pow takes an exponent of another type; the result keeps the base's type."""
    a, b = randn(2, 5, scale=2.0), np.array([0, 1, 2, 3, -1], dtype=np.int64)
    ref = onnx_op("Pow", ["a", "b"], {"a": a}, {"b": b})
    assert_close(ir_op("Pow", ["a", "b"], {"a": a}, {"b": b}), ref, "exact")


def _unary_input(op: str, shape: tuple) -> np.ndarray:
    x = randn(*shape, seed=5, scale=3.0)
    if op in ("Sqrt", "Log"):
        return np.asarray(np.abs(x) + np.float32(0.01))
    if op == "Reciprocal":
        return np.where(x < 0, x - 0.1, x + 0.1).astype(np.float32)
    return x


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), ()])
@pytest.mark.parametrize("op", ["Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil"])
def test_unary(op: str, shape: tuple) -> None:
    x = _unary_input(op, shape)
    ref = onnx_op(op, ["x"], {"x": x})
    assert_close(ir_op(op, ["x"], {"x": x}), ref, "exact")


# (IR activation, params in schema order), defaults included
ACTIVATIONS = [("Relu", []), ("Relu6", []), ("Sigmoid", []), ("Tanh", []), ("HardSwish", []),
               ("Clip", [-0.5, 1.5]), ("Clip", [0.0]), ("Clip", []), ("LeakyRelu", [0.2]),
               ("LeakyRelu", []), ("Elu", [0.7]), ("Elu", []), ("HardSigmoid", [0.3, 0.6]),
               ("HardSigmoid", []), ("Swish", [1.702]), ("Swish", [])]


@pytest.mark.parametrize("shape", [(2, 3, 5, 4), ()])
@pytest.mark.parametrize("name,params", ACTIVATIONS)
def test_activation(name: str, params: list, shape: tuple) -> None:
    x = randn(*shape, seed=6, scale=4.0)
    nodes, consts = onnx_activation(name, params, "x", "y")
    ref = run_onnx(nodes, {"x": x}, consts, opset=14)
    attrs = dict(zip(ACTIVATION_OPS[name], params))
    assert_close(ir_op(name, ["x"], {"x": x}, attrs=attrs), ref, "exact")


@pytest.mark.parametrize("name", ["Sigmoid", "Tanh", "Elu", "Swish", "HardSwish"])
def test_activation_saturates(name: str) -> None:
    """Large magnitudes: no overflow warnings or NaN in the saturated tails."""
    x = np.array([-1e4, -100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0, 1e4], dtype=np.float32)
    nodes, consts = onnx_activation(name, [], "x", "y")
    ref = run_onnx(nodes, {"x": x}, consts, opset=14)
    with np.errstate(over="raise", invalid="raise"):
        got = ir_op(name, ["x"], {"x": x})
    assert_close(got, ref, "exact")


@pytest.mark.parametrize("slope_shape", [(3, 1, 1), (1,), (), (5,), (2, 3, 4, 5), (1, 3, 1, 1)])
def test_prelu(slope_shape: tuple) -> None:
    x = randn(2, 3, 4, 5, seed=7)
    slope = randn(*slope_shape, seed=8, scale=0.5)
    ref = onnx_op("PRelu", ["x", "slope"], {"x": x}, {"slope": slope})
    assert_close(ir_op("PRelu", ["x", "slope"], {"x": x}, {"slope": slope}), ref, "exact")


@pytest.mark.parametrize("shape,axis", [((4, 10), -1), ((4, 10), 0), ((2, 3, 5), 1), ((2, 3, 5), -3),
                                        ((2, 3, 4, 5), 1), ((2, 3, 4, 5), 2), ((2, 3, 4, 5), -1),
                                        ((7,), 0)])
def test_softmax(shape: tuple, axis: int) -> None:
    x = randn(*shape, seed=9, scale=5.0)
    ref = onnx_op("Softmax", ["x"], {"x": x}, axis=axis)
    assert_close(ir_op("Softmax", ["x"], {"x": x}, attrs={"axis": axis}), ref, "exact")


def test_softmax_large_logits() -> None:
    x = np.array([[1000.0, 999.0, -1000.0], [-1e4, -1e4, -1e4]], dtype=np.float32)
    ref = onnx_op("Softmax", ["x"], {"x": x})
    assert_close(ir_op("Softmax", ["x"], {"x": x}), ref, "exact")
