"""Integer ops: DynamicQuantizeLinear, MatMulInteger, ConvInteger, QuantizeLinear, DequantizeLinear.

They follow the ONNX operator specs (ONNX Runtime's semantics): the activation scale and zero point
are computed from each input at run time, the integer products accumulate in int32.
"""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import need, require
from frontc.ir.ops.nn import WINDOW_ATTRS, conv, matmul
from frontc.ir.schema import AttrSpec, In, Ins, register_op

INT8_TYPES = ("int8", "uint8")
INTEGER_OPS = ("ConvInteger", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "QuantizeLinear")
# the integer types of QuantizeLinear's output and DequantizeLinear's input (int32: DequantizeLinear only)
QDQ_TYPES = ("uint8", "int8", "uint16", "int16")
QDQ_ATTRS = {"axis": AttrSpec("int", 1), "block_size": AttrSpec("int", 0)}


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



def _quant_params(ins: Ins, x: In, a: dict[str, Any], op: str) -> None:
    """Check the scale (input 1) and zero point (input 2): per tensor, per ``axis`` (1-d) or blocked
    (``block_size`` > 0: x's shape with ceil(dim / block_size) along ``axis``)."""
    axis, block = a["axis"], a["block_size"]
    require(-x.rank <= axis < max(x.rank, 1), f"{op} axis {axis} is out of range for rank {x.rank}")
    axis %= max(x.rank, 1)
    scale = need(ins, 1, "scale")
    require(scale.dtype == "float32", f"{op} scale must be float32, got {scale.dtype}")
    for spec, what in ((scale, "scale"), (ins[2] if len(ins) > 2 else None, "zero point")):
        if spec is None:
            continue
        if block > 0:
            blocked = tuple(-(-d // block) if i == axis else d for i, d in enumerate(x.shape))
            require(spec.shape == blocked, f"{op} blocked {what} must have shape {blocked}, got {spec.shape}")
        else:
            require(spec.rank == 0 or spec.shape in ((1,), (x.shape[axis] if x.rank else 1,)),
                    f"{op} {what} of shape {spec.shape} must be a scalar or 1-d of x's axis {axis} size")
    require(len(ins) < 3 or ins[2] is None or ins[2].shape == scale.shape,
            f"{op} zero point shape {ins[2].shape if len(ins) > 2 and ins[2] else ()} differs from the "
            f"scale's {scale.shape}")


@register_op("QuantizeLinear", ["x", "y_scale", "y_zero_point?"], {**QDQ_ATTRS, "dtype": AttrSpec("str", "uint8")},
             family="quant")
def quantize_linear(ins: Ins, a: dict[str, Any]):
    """saturate(round_half_even(x / y_scale) + y_zero_point) in the zero point's dtype (``dtype`` without one)."""
    x = need(ins, 0, "x")
    require(x.dtype == "float32", f"QuantizeLinear takes float32 x, got {x.dtype}")
    _quant_params(ins, x, a, "QuantizeLinear")
    dtype = ins[2].dtype if len(ins) > 2 and ins[2] is not None else a["dtype"]
    require(dtype in QDQ_TYPES, f"QuantizeLinear output dtype must be one of {QDQ_TYPES}, got {dtype}")
    return [(x.shape, dtype)]


@register_op("DequantizeLinear", ["x", "x_scale", "x_zero_point?"], QDQ_ATTRS, family="quant")
def dequantize_linear(ins: Ins, a: dict[str, Any]):
    """float32 (x - x_zero_point) * x_scale."""
    x = need(ins, 0, "x")
    require(x.dtype in (*QDQ_TYPES, "int32"), f"DequantizeLinear takes {QDQ_TYPES} or int32 x, got {x.dtype}")
    zp = ins[2] if len(ins) > 2 else None
    require(zp is None or zp.dtype == x.dtype, f"DequantizeLinear zero point must have x's dtype ({x.dtype})")
    _quant_params(ins, x, a, "DequantizeLinear")
    return [(x.shape, "float32")]
