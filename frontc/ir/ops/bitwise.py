"""Bitwise ops on integer tensors (And, Or, Xor, Not, shifts) and the float tests IsNaN and IsInf."""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import FLOAT_TYPES, broadcast, need, require
from frontc.ir.schema import AttrSpec, Ins, register_op

BITWISE_OPS = ("BitwiseAnd", "BitwiseOr", "BitwiseXor")
INT_TYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def _bitwise(ins: Ins, a: dict[str, Any]):
    x, y = need(ins, 0, "A"), need(ins, 1, "B")
    require(x.dtype == y.dtype and x.dtype in INT_TYPES, f"bitwise ops take two integer tensors of one dtype, "
                                                         f"got {x.dtype}, {y.dtype}")
    return [(broadcast(x.shape, y.shape), x.dtype)]


for _op in BITWISE_OPS:
    register_op(_op, ["A", "B"], {}, family="logic",
                doc=f"Elementwise {_op} of integer tensors (broadcasting).")(_bitwise)


@register_op("BitwiseNot", ["X"], {}, family="logic")
def bitwise_not(ins: Ins, a: dict[str, Any]):
    """Elementwise bitwise complement of an integer tensor."""
    x = need(ins, 0, "X")
    require(x.dtype in INT_TYPES, f"BitwiseNot takes an integer tensor, got {x.dtype}")
    return [(x.shape, x.dtype)]


@register_op("BitShift", ["X", "Y"], {"direction": AttrSpec("str", choices=("LEFT", "RIGHT"))}, family="logic")
def bit_shift(ins: Ins, a: dict[str, Any]):
    """X shifted by Y bits (broadcasting) to the left or right; unsigned integers only."""
    x, y = need(ins, 0, "X"), need(ins, 1, "Y")
    require(x.dtype == y.dtype and x.dtype.startswith("uint"), f"BitShift takes two unsigned integer tensors "
                                                              f"of one dtype, got {x.dtype}, {y.dtype}")
    return [(broadcast(x.shape, y.shape), x.dtype)]


@register_op("IsNaN", ["X"], {}, family="logic")
def is_nan(ins: Ins, a: dict[str, Any]):
    """A bool tensor: where X is NaN."""
    x = need(ins, 0, "X")
    require(x.dtype in FLOAT_TYPES, f"IsNaN takes a floating-point tensor, got {x.dtype}")
    return [(x.shape, "bool")]


@register_op("IsInf", ["X"], {"detect_negative": AttrSpec("int", 1, (0, 1)),
                              "detect_positive": AttrSpec("int", 1, (0, 1))}, family="logic")
def is_inf(ins: Ins, a: dict[str, Any]):
    """A bool tensor: where X is -inf (with detect_negative) or +inf (with detect_positive)."""
    return is_nan(ins, a)
