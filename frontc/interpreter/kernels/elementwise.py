"""Arithmetic with broadcasting, unary math and activations (standalone and fused)."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel
from frontc.ir.ops.elementwise import ACTIVATION_OPS


def _keep_dtype(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def run(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
        x, y = ins
        return np.asarray(fn(x, y)).astype(x.dtype, copy=False)
    return run


def _divide(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if np.issubdtype(x.dtype, np.integer):  # C-style division (toward zero), as in ONNX
        q = np.floor_divide(x, y)
        return q + ((q * y != x) & ((x < 0) != (y < 0)))
    return np.divide(x, y)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, evaluated in float64 and returned in the input's dtype."""
    from scipy.special import erf as erf64

    return np.asarray(erf64(x.astype(np.float64))).astype(x.dtype)


for _op, _fn in {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": _divide,
                 "Pow": np.power, "Max": np.maximum, "Min": np.minimum}.items():
    kernel(_op)(_keep_dtype(_fn))

for _op, _fn in {"Sqrt": np.sqrt, "Exp": np.exp, "Log": np.log, "Neg": np.negative,
                 "Abs": np.abs, "Reciprocal": np.reciprocal, "Floor": np.floor,
                 "Ceil": np.ceil, "Erf": erf, "Round": np.round, "Sign": np.sign, "Sin": np.sin, "Cos": np.cos,
                 "Tan": np.tan, "Asin": np.arcsin, "Acos": np.arccos, "Atan": np.arctan, "Sinh": np.sinh,
                 "Cosh": np.cosh, "Asinh": np.arcsinh, "Acosh": np.arccosh, "Atanh": np.arctanh,
                 "Softplus": lambda x: np.logaddexp(x.dtype.type(0), x),
                 "Softsign": lambda x: x / (1 + np.abs(x))}.items():
    kernel(_op)(lambda ins, a, fn=_fn: np.asarray(fn(ins[0])))  # ufuncs give 0-d input a scalar


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Overflow-free logistic function."""
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out


def _clip(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    if x.dtype.kind in "iu":  # the float defaults (+-FLOAT32_MAX) do not fit an integer type
        info = np.iinfo(x.dtype)
        lo, hi = max(math.ceil(lo), int(info.min)), min(math.floor(hi), int(info.max))
    return np.minimum(np.maximum(x, x.dtype.type(lo)), x.dtype.type(hi))


def _hard_sigmoid(x: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    return _clip(x * x.dtype.type(alpha) + x.dtype.type(beta), 0, 1)


ACTIVATIONS: dict[str, Callable[..., np.ndarray]] = {
    "Relu": lambda x: np.maximum(x, x.dtype.type(0)),
    "Relu6": lambda x: _clip(x, 0, 6),
    "Sigmoid": sigmoid,
    "Tanh": np.tanh,
    "HardSwish": lambda x: x * _hard_sigmoid(x, 1 / 6, 0.5),
    "Clip": lambda x, min, max: _clip(x, min, max),
    "LeakyRelu": lambda x, alpha: np.where(x >= 0, x, x * x.dtype.type(alpha)),
    "Elu": lambda x, alpha: np.where(x > 0, x, x.dtype.type(alpha) * np.expm1(np.minimum(x, 0))),
    "HardSigmoid": _hard_sigmoid,
    "Swish": lambda x, alpha: x * sigmoid(x * x.dtype.type(alpha)),
}

for _op in ACTIVATIONS:
    kernel(_op)(lambda ins, a, fn=ACTIVATIONS[_op]: np.asarray(fn(ins[0], **a), dtype=ins[0].dtype))


def fused_activation(x: np.ndarray, a: dict[str, Any]) -> np.ndarray:
    """Apply the activation a Conv/ConvTranspose/Dense carries as attributes."""
    name = a.get("activation", "")
    if not name:
        return x
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown fused activation '{name}'")
    names = list(ACTIVATION_OPS[name])
    params = a.get("activation_params", [])
    if len(params) > len(names):
        raise ValueError(f"activation {name} takes {len(names)} params, got {len(params)}")
    defaults = {k: spec.default for k, spec in ACTIVATION_OPS[name].items()}
    defaults.update(zip(names, params))
    return ACTIVATIONS[name](x, **defaults).astype(x.dtype, copy=False)


@kernel("PRelu")
def prelu(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, slope = ins
    return np.where(x >= 0, x, x * slope).astype(x.dtype, copy=False)


@kernel("Softmax")
def softmax(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    e = np.exp(x - x.max(axis=a["axis"], keepdims=True))
    return e / e.sum(axis=a["axis"], keepdims=True)


@kernel("LogSoftmax")
def log_softmax(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    shifted = x - x.max(axis=a["axis"], keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=a["axis"], keepdims=True))


@kernel("Gelu")
def gelu(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    if a["approximate"] == "tanh":
        inner = np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)
        return (0.5 * x * (1 + np.tanh(inner))).astype(x.dtype)
    return (0.5 * x * (1 + erf(x / np.sqrt(x.dtype.type(2))))).astype(x.dtype)


@kernel("Mod")
def mod(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x, y = ins
    return np.asarray(np.fmod(x, y) if a["fmod"] else np.mod(x, y)).astype(x.dtype, copy=False)
