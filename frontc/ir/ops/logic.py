"""Comparisons, boolean logic and Where: ops whose outputs or conditions are bool tensors."""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import broadcast, need, require
from frontc.ir.schema import Ins, register_op

COMPARE_OPS = ("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual")
LOGIC_OPS = ("And", "Or", "Xor")


def _compare(ins: Ins, a: dict[str, Any]):
    x, y = need(ins, 0, "A"), need(ins, 1, "B")
    require(x.dtype == y.dtype, f"comparison of {x.dtype} with {y.dtype}")
    return [(broadcast(x.shape, y.shape), "bool")]


def _logic(ins: Ins, a: dict[str, Any]):
    x, y = need(ins, 0, "A"), need(ins, 1, "B")
    require(x.dtype == y.dtype == "bool", f"logic ops take bool tensors, got {x.dtype}, {y.dtype}")
    return [(broadcast(x.shape, y.shape), "bool")]


for _op in COMPARE_OPS:
    register_op(_op, ["A", "B"], {}, family="logic",
                doc=f"Elementwise {_op} with numpy broadcasting; a bool tensor.")(_compare)
for _op in LOGIC_OPS:
    register_op(_op, ["A", "B"], {}, family="logic",
                doc=f"Elementwise logical {_op} of bool tensors (broadcasting).")(_logic)


@register_op("Not", ["X"], {}, family="logic")
def not_(ins: Ins, a: dict[str, Any]):
    """Elementwise logical not of a bool tensor."""
    x = need(ins, 0, "X")
    require(x.dtype == "bool", f"Not takes a bool tensor, got {x.dtype}")
    return [(x.shape, "bool")]


@register_op("Where", ["condition", "X", "Y"], {}, family="logic")
def where(ins: Ins, a: dict[str, Any]):
    """X where condition else Y, all three broadcast together."""
    c, x, y = need(ins, 0, "condition"), need(ins, 1, "X"), need(ins, 2, "Y")
    require(c.dtype == "bool", f"Where condition must be bool, got {c.dtype}")
    require(x.dtype == y.dtype, f"Where branches differ in dtype: {x.dtype}, {y.dtype}")
    return [(broadcast(c.shape, x.shape, y.shape), x.dtype)]
