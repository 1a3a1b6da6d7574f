"""Integer ops of dynamically quantized models: DynamicQuantizeLinear, MatMulInteger, ConvInteger.

They follow the ONNX operator specs (ONNX Runtime's semantics): the activation scale and zero point
are computed from each input at run time, the integer products accumulate in int32.
"""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import need, require
from frontc.ir.ops.nn import WINDOW_ATTRS, conv, matmul
from frontc.ir.schema import AttrSpec, In, Ins, register_op

INT8_TYPES = ("int8", "uint8")
INTEGER_OPS = ("ConvInteger", "DynamicQuantizeLinear", "MatMulInteger")


def _operand(ins: Ins, i: int, what: str, op: str) -> In:
    spec = need(ins, i, what)
    require(spec.dtype in INT8_TYPES, f"{op} input {what} must be int8 or uint8, got {spec.dtype}")
    return spec


def _zero_point(ins: Ins, i: int, of: In, what: str, op: str, allowed: list[tuple[int, ...]]) -> None:
    """Check optional zero point ``i``: the dtype of its operand and one of the ``allowed`` shapes."""
    zp = ins[i] if len(ins) > i else None
    if zp is None:
        return
    require(zp.dtype == of.dtype, f"{op} {what} must have the dtype of its operand ({of.dtype}), got {zp.dtype}")
    size = 1
    for d in zp.shape:
        size *= d
    require(size == 1 or zp.shape in allowed,
            f"{op} {what} of shape {zp.shape} is not supported: it must be a scalar or one of {allowed}")


@register_op("DynamicQuantizeLinear", ["x"], {}, outputs=3, family="quant")
def dynamic_quantize_linear(ins: Ins, a: dict[str, Any]):
    """uint8 y, float32 scale and uint8 zero point of x, computed from x's range (which includes 0)."""
    x = need(ins, 0, "x")
    require(x.dtype == "float32", f"DynamicQuantizeLinear takes float32, got {x.dtype}")
    return [(x.shape, "uint8"), ((), "float32"), ((), "uint8")]


@register_op("MatMulInteger", ["A", "B", "a_zero_point?", "b_zero_point?"], {}, weights=["B"], family="quant")
def matmul_integer(ins: Ins, a: dict[str, Any]):
    """int32 (A - a_zero_point) @ (B - b_zero_point), numpy.matmul shapes; zero points per tensor,
    per row of A or per column of B."""
    x, w = _operand(ins, 0, "A", "MatMulInteger"), _operand(ins, 1, "B", "MatMulInteger")
    require(x.rank >= 2 and w.rank >= 2, f"MatMulInteger needs A and B of rank >= 2, got A{x.shape} B{w.shape}")
    _zero_point(ins, 2, x, "a_zero_point", "MatMulInteger", [(x.shape[-2],), (*x.shape[:-1], 1)])
    _zero_point(ins, 3, w, "b_zero_point", "MatMulInteger", [(w.shape[-1],), (*w.shape[:-2], 1, w.shape[-1])])
    return [(matmul(ins[:2], {})[0][0], "int32")]


@register_op("ConvInteger", ["x", "w", "x_zero_point?", "w_zero_point?"],
             {**WINDOW_ATTRS, "group": AttrSpec("int", 1), "kernel_shape": AttrSpec("ints", ())},
             weights=["w"], family="quant")
def conv_integer(ins: Ins, a: dict[str, Any]):
    """int32 convolution of (x - x_zero_point) by (w - w_zero_point); w's zero point per tensor or per
    output channel."""
    x, w = _operand(ins, 0, "x", "ConvInteger"), _operand(ins, 1, "w", "ConvInteger")
    _zero_point(ins, 2, x, "x_zero_point", "ConvInteger", [])
    _zero_point(ins, 3, w, "w_zero_point", "ConvInteger", [(w.shape[0],)])
    return [(conv(ins[:2], a)[0][0], "int32")]

