"""Elementwise ops: broadcasting arithmetic, unary math and activations."""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import broadcast, need, norm_axis, numeric_input, require
from frontc.ir.schema import AttrSpec, Ins, register_op

FLOAT32_MAX = 3.4028234663852886e38

BINARY_OPS = ("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min")
UNARY_OPS = ("Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Erf", "Round", "Sign",
             "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh",
             "Softplus", "Softsign")
ACTIVATION_OPS = {
    "Relu": {},
    "Relu6": {},
    "Sigmoid": {},
    "Tanh": {},
    "HardSwish": {},
    "Clip": {"min": AttrSpec("float", -FLOAT32_MAX), "max": AttrSpec("float", FLOAT32_MAX)},
    "LeakyRelu": {"alpha": AttrSpec("float", 0.01)},
    "Elu": {"alpha": AttrSpec("float", 1.0)},
    "HardSigmoid": {"alpha": AttrSpec("float", 0.2), "beta": AttrSpec("float", 0.5)},
    "Swish": {"alpha": AttrSpec("float", 1.0)},
}


def _binary(ins: Ins, a: dict[str, Any]):
    x, y = need(ins, 0, "A"), need(ins, 1, "B")
    return [(broadcast(x.shape, y.shape), x.dtype)]


def _same(ins: Ins, a: dict[str, Any]):
    x = need(ins, 0, "X")
    return [(x.shape, x.dtype)]


def _numeric_same(ins: Ins, a: dict[str, Any]):
    x = need(ins, 0, "X")
    numeric_input(x, "this op")
    return [(x.shape, x.dtype)]


for _op in BINARY_OPS:
    register_op(_op, ["A", "B"], {}, family="elementwise",
                doc=f"Elementwise {_op} with numpy broadcasting.")(_binary)
for _op in UNARY_OPS:
    register_op(_op, ["X"], {}, family="elementwise", doc=f"Elementwise {_op}.")(_same)
for _op, _attrs in ACTIVATION_OPS.items():
    register_op(_op, ["X"], _attrs, family="activation",
                doc=f"The {_op} activation, elementwise.")(_numeric_same)


@register_op("PRelu", ["X", "slope"], {}, weights=["slope"], family="activation")
def prelu(ins: Ins, a: dict[str, Any]):
    """x if x >= 0 else slope * x, slope broadcast to X."""
    x, slope = need(ins, 0, "X"), need(ins, 1, "slope")
    require(broadcast(x.shape, slope.shape) == x.shape,
            f"PRelu slope{slope.shape} does not broadcast to X{x.shape}")
    return [(x.shape, x.dtype)]


@register_op("Softmax", ["X"], {"axis": AttrSpec("int", -1)}, family="activation")
def softmax(ins: Ins, a: dict[str, Any]):
    """Softmax along one axis."""
    x = need(ins, 0, "X")
    norm_axis(a["axis"], x.rank)
    numeric_input(x, "Softmax")
    return [(x.shape, x.dtype)]


@register_op("LogSoftmax", ["X"], {"axis": AttrSpec("int", -1)}, family="activation")
def log_softmax(ins: Ins, a: dict[str, Any]):
    """log(Softmax) along one axis, computed stably (x - max - log(sum(exp(x - max))))."""
    return softmax(ins, a)


@register_op("Gelu", ["X"], {"approximate": AttrSpec("str", "none", ("none", "tanh"))},
             family="activation")
def gelu(ins: Ins, a: dict[str, Any]):
    """x * Phi(x): exact with erf (``none``) or the tanh approximation (``tanh``)."""
    return _numeric_same(ins, a)


@register_op("Mod", ["A", "B"], {"fmod": AttrSpec("int", 0, (0, 1))}, family="elementwise")
def mod(ins: Ins, a: dict[str, Any]):
    """Remainder with broadcasting: the divisor's sign (fmod=0, integers) or the dividend's (fmod=1)."""
    x = need(ins, 0, "A")
    require(a["fmod"] or x.dtype not in ("float16", "float32", "float64"),
            "Mod of floating-point tensors needs fmod=1")
    return _binary(ins, a)
