"""Activations and softmax."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.torch.context import ConversionContext, bind_args
from frontc.frontends.torch.registry import REG
from frontc.ir.errors import UnsupportedOpError
from frontc.ir.ops.elementwise import FLOAT32_MAX

PLAIN = {"aten.relu.default": "Relu", "aten.sigmoid.default": "Sigmoid", "aten.tanh.default": "Tanh",
         "aten.hardswish.default": "HardSwish", "aten.relu6.default": "Relu6"}


@REG.register(*PLAIN)
def plain(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.relu / sigmoid / tanh / hardswish / relu6 -> the IR activation of the same name."""
    return [ctx.add1(node, PLAIN[str(node.target)], [ctx.tensor(node.args[0])])]


@REG.register("aten.silu.default")
def silu(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.silu -> Swish(alpha=1)."""
    return [ctx.add1(node, "Swish", [ctx.tensor(node.args[0])], {"alpha": 1.0})]


@REG.register("aten.hardsigmoid.default")
def hardsigmoid(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.hardsigmoid -> HardSigmoid(alpha=1/6, beta=1/2)."""
    return [ctx.add1(node, "HardSigmoid", [ctx.tensor(node.args[0])], {"alpha": 1 / 6, "beta": 0.5})]


def _clip(node: Any, ctx: ConversionContext, x: Any, low: float | None, high: float | None) -> list[str]:
    if low == 0 and high == 6:
        return [ctx.add1(node, "Relu6", [ctx.tensor(x)])]
    if low == 0 and high is None:
        return [ctx.add1(node, "Relu", [ctx.tensor(x)])]
    attrs = {"min": -FLOAT32_MAX if low is None else float(low),
             "max": FLOAT32_MAX if high is None else float(high)}
    return [ctx.add1(node, "Clip", [ctx.tensor(x)], attrs)]


@REG.register("aten.hardtanh.default")
def hardtanh(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.hardtanh (ReLU6 is hardtanh(0, 6)) -> Relu6 or Clip."""
    a = bind_args(node)
    return _clip(node, ctx, a["self"], a["min_val"], a["max_val"])


@REG.register("aten.clamp.default", "aten.clamp_min.default", "aten.clamp_max.default")
def clamp(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.clamp / clamp_min / clamp_max with number bounds -> Clip (Relu, Relu6 when they fit)."""
    if ctx.dtype(node) not in ("float16", "float32", "float64"):
        raise UnsupportedOpError(f"clamp of {ctx.dtype(node)} tensors is not supported", node=node.name)
    a = bind_args(node)
    return _clip(node, ctx, a["self"], a.get("min"), a.get("max"))


@REG.register("aten.clamp.Tensor")
def clamp_tensor(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.clamp with tensor bounds -> Max and/or Min."""
    a = bind_args(node)
    dtype = ctx.dtype(node)
    y = ctx.tensor(a["self"])
    if a["min"] is not None:
        y = ctx.add1(node, "Max", [y, ctx.operand(node, a["min"], dtype, "min")],
                     suffix="max" if a["max"] is not None else "")
    if a["max"] is not None:
        y = ctx.add1(node, "Min", [y, ctx.operand(node, a["max"], dtype, "max")])
    return [y]


@REG.register("aten.leaky_relu.default")
def leaky_relu(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.leaky_relu -> LeakyRelu."""
    a = bind_args(node)
    return [ctx.add1(node, "LeakyRelu", [ctx.tensor(a["self"])], {"alpha": float(a["negative_slope"])})]


@REG.register("aten.elu.default")
def elu(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.elu (scale = input_scale = 1) -> Elu."""
    a = bind_args(node)
    if float(a["scale"]) != 1.0 or float(a["input_scale"]) != 1.0:
        raise UnsupportedOpError("elu with scale or input_scale other than 1 (SELU, CELU) is not supported",
                                 node=node.name)
    return [ctx.add1(node, "Elu", [ctx.tensor(a["self"])], {"alpha": float(a["alpha"])})]


@REG.register("aten.prelu.default", "aten._prelu_kernel.default")
def prelu(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.prelu (one slope or one per channel, axis 1) -> PRelu."""
    x, weight = node.args[0], node.args[1]
    rank, count = len(ctx.shape(x)), int(np.prod(ctx.shape(weight)))
    slope_shape = [count] + [1] * (rank - 2) if rank >= 2 and count > 1 else [1]
    slope = ctx.tensor(weight)
    if ctx.shape(weight) != tuple(slope_shape):
        slope = ctx.add1(node, "Reshape", [slope], {"shape": slope_shape}, suffix="slope")
    return [ctx.add1(node, "PRelu", [ctx.tensor(x), slope])]


@REG.register("aten.gelu.default")
def gelu(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.gelu -> Gelu (exact erf form, or approximate='tanh')."""
    a = bind_args(node)
    return [ctx.add1(node, "Gelu", [ctx.tensor(a["self"])], {"approximate": a["approximate"]})]


@REG.register("aten.softmax.int", "aten._softmax.default")
def softmax(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.softmax / _softmax -> Softmax(axis)."""
    return [ctx.add1(node, "Softmax", [ctx.tensor(node.args[0])], {"axis": int(node.args[1])})]


@REG.register("aten.log_softmax.int", "aten._log_softmax.default")
def log_softmax(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.log_softmax -> LogSoftmax(axis)."""
    return [ctx.add1(node, "LogSoftmax", [ctx.tensor(node.args[0])], {"axis": int(node.args[1])})]
