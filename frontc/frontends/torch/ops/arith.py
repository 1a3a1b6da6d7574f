"""Elementwise arithmetic (tensor and scalar operands) and unary math."""
from __future__ import annotations

from typing import Any

from frontc.frontends.torch.context import ConversionContext, bind_args
from frontc.frontends.torch.registry import REG
from frontc.ir.errors import UnsupportedOpError

BINARY = {"add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "pow": "Pow",
          "maximum": "Max", "minimum": "Min"}
UNARY = {"aten.neg.default": "Neg", "aten.exp.default": "Exp", "aten.log.default": "Log",
         "aten.sqrt.default": "Sqrt", "aten.abs.default": "Abs", "aten.reciprocal.default": "Reciprocal",
         "aten.floor.default": "Floor", "aten.ceil.default": "Ceil"}


def _binary(node: Any, ctx: ConversionContext, op: str, lhs: Any, rhs: Any, suffix: str = "") -> str:
    dtype = ctx.dtype(node)
    return ctx.add1(node, op, [ctx.operand(node, lhs, dtype, "self"), ctx.operand(node, rhs, dtype, "other")],
                    suffix=suffix)


def _scaled(node: Any, ctx: ConversionContext, other: Any, alpha: Any) -> Any:
    """``alpha * other`` for add/sub: a number for numbers, else an IR tensor name."""
    if alpha is None or alpha == 1:
        return other
    if isinstance(other, (int, float)):
        return other * alpha
    dtype = ctx.dtype(node)
    return ctx.add1(node, "Mul", [ctx.operand(node, other, dtype, "other"),
                                  ctx.operand(node, alpha, dtype, "alpha")], suffix="alpha")


def _operand(node: Any, ctx: ConversionContext, arg: Any, name: str) -> str:
    """An fx node, a number, or an IR tensor name already emitted, as an IR tensor."""
    return arg if isinstance(arg, str) else ctx.operand(node, arg, ctx.dtype(node), name)


@REG.register("aten.add.Tensor", "aten.add.Scalar", "aten.sub.Tensor", "aten.sub.Scalar")
def add_sub(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.add / sub (tensor or number, with alpha) -> Add / Sub."""
    a = bind_args(node)
    op = BINARY[node.target._opname]
    other = _scaled(node, ctx, a["other"], a.get("alpha"))
    return [ctx.add1(node, op, [_operand(node, ctx, a["self"], "self"), _operand(node, ctx, other, "other")])]


@REG.register("aten.rsub.Scalar", "aten.rsub.Tensor")
def rsub(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.rsub (other - alpha * self) -> Sub."""
    a = bind_args(node)
    scaled = _scaled(node, ctx, a["self"], a.get("alpha"))
    return [ctx.add1(node, "Sub", [_operand(node, ctx, a["other"], "other"), _operand(node, ctx, scaled, "self")])]


@REG.register("aten.mul.Tensor", "aten.mul.Scalar", "aten.div.Tensor", "aten.div.Scalar",
              "aten.pow.Tensor_Tensor", "aten.pow.Tensor_Scalar", "aten.maximum.default",
              "aten.minimum.default")
def binary(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.mul / div / pow / maximum / minimum (tensor or number operands) -> Mul / Div / Pow / Max / Min."""
    if node.target._opname == "div" and ctx.dtype(node) not in ("float16", "float32", "float64"):
        raise UnsupportedOpError("integer true division is not supported", node=node.name)
    return [_binary(node, ctx, BINARY[node.target._opname], node.args[0], node.args[1])]


@REG.register("aten.pow.Scalar")
def pow_scalar(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.pow.Scalar (number ** tensor) -> Pow."""
    return [_binary(node, ctx, "Pow", node.args[0], node.args[1])]


@REG.register("aten.div.Tensor_mode", "aten.div.Scalar_mode")
def div_mode(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.div with rounding_mode='floor' on floats -> Div + Floor."""
    a = bind_args(node)
    if a["rounding_mode"] is None:
        return [_binary(node, ctx, "Div", a["self"], a["other"])]
    if a["rounding_mode"] != "floor" or ctx.dtype(node) not in ("float16", "float32", "float64"):
        raise UnsupportedOpError(f"div with rounding_mode={a['rounding_mode']!r} on {ctx.dtype(node)} "
                                 "is not supported", node=node.name)
    quotient = _binary(node, ctx, "Div", a["self"], a["other"], suffix="div")
    return [ctx.add1(node, "Floor", [quotient])]


@REG.register(*UNARY)
def unary(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.neg / exp / log / sqrt / abs / reciprocal / floor / ceil -> the IR op of the same name."""
    return [ctx.add1(node, UNARY[str(node.target)], [ctx.tensor(node.args[0])])]


@REG.register("aten.rsqrt.default")
def rsqrt(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.rsqrt -> Reciprocal(Sqrt(x))."""
    root = ctx.add1(node, "Sqrt", [ctx.tensor(node.args[0])], suffix="sqrt")
    return [ctx.add1(node, "Reciprocal", [root])]
