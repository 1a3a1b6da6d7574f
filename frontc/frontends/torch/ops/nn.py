"""Convolutions, batch norm, linear layers and pooling."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.torch.context import ConversionContext, bind_args
from frontc.frontends.torch.registry import REG
from frontc.ir.errors import UnsupportedOpError


def _spatial(values: Any, n: int) -> list[int]:
    values = [int(v) for v in values] if isinstance(values, (list, tuple)) else [int(values)]
    return values * n if len(values) == 1 else values


def _conv_pads(padding: Any, kernel: list[int], dilations: list[int], node: Any) -> list[int]:
    """IR pads (begins, ends) from torch's symmetric ints or 'same'/'valid'."""
    n = len(kernel)
    if padding == "valid":
        return [0] * (2 * n)
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilations)]
        return [t // 2 for t in totals] + [t - t // 2 for t in totals]
    if isinstance(padding, str):
        raise UnsupportedOpError(f"conv padding '{padding}' is not supported", node=node.name)
    pads = _spatial(padding, n)
    return pads + pads


def _emit_conv(node: Any, ctx: ConversionContext, a: dict[str, Any], transposed: bool = False) -> list[str]:
    x, w = ctx.tensor(a["input"]), ctx.tensor(a["weight"])
    kernel = list(ctx.shape(a["weight"])[2:])
    n = len(kernel)
    strides, dilations = _spatial(a["stride"], n), _spatial(a["dilation"], n)
    inputs = [x, w] + ([ctx.tensor(a["bias"])] if a["bias"] is not None else [])
    attrs = {"strides": strides, "dilations": dilations, "group": int(a["groups"]),
             "pads": _conv_pads(a["padding"], kernel, dilations, node)}
    if transposed:
        attrs["output_padding"] = _spatial(a["output_padding"], n)
        return [ctx.add1(node, "ConvTranspose", inputs, attrs)]
    return [ctx.add1(node, "Conv", inputs, attrs)]


@REG.register("aten.conv1d.default", "aten.conv2d.default", "aten.conv3d.default",
              "aten.conv1d.padding", "aten.conv2d.padding", "aten.conv3d.padding",
              "aten._convolution_mode.default")
def conv(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.conv{1,2,3}d (int or 'same'/'valid' padding) -> Conv."""
    return _emit_conv(node, ctx, bind_args(node))


@REG.register("aten.convolution.default")
def convolution(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.convolution (plain or transposed) -> Conv / ConvTranspose."""
    return _emit_conv(node, ctx, bind_args(node), transposed=bool(bind_args(node)["transposed"]))


@REG.register("aten.conv_transpose1d.default", "aten.conv_transpose2d.input",
              "aten.conv_transpose3d.input")
def conv_transpose(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.conv_transpose{1,2,3}d -> ConvTranspose."""
    return _emit_conv(node, ctx, bind_args(node), transposed=True)


def _channel_param(node: Any, ctx: ConversionContext, arg: Any, fill: float, channels: int,
                   suffix: str) -> str:
    if arg is not None:
        return ctx.tensor(arg)
    return ctx.builder.param(f"{ctx.base(node)}.{suffix}", np.full(channels, fill, np.float32))


@REG.register("aten._native_batch_norm_legit_no_training.default")
def batch_norm(node: Any, ctx: ConversionContext) -> list[str]:
    """aten._native_batch_norm_legit_no_training (eval BatchNorm) -> BatchNorm (first output only)."""
    a = bind_args(node)
    channels = ctx.shape(a["input"])[1]
    inputs = [ctx.tensor(a["input"]),
              _channel_param(node, ctx, a["weight"], 1.0, channels, "weight"),
              _channel_param(node, ctx, a["bias"], 0.0, channels, "bias"),
              ctx.tensor(a["running_mean"]), ctx.tensor(a["running_var"])]
    return [ctx.add1(node, "BatchNorm", inputs, {"epsilon": float(a["eps"])}), "", ""]


@REG.register("aten.linear.default")
def linear(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.linear -> Dense (a constant weight) or Transpose + MatMul (+ Add)."""
    a = bind_args(node)
    x = ctx.tensor(a["input"])
    if ctx.is_const(a["weight"]):
        inputs = [x, ctx.tensor(a["weight"])] + ([ctx.tensor(a["bias"])] if a["bias"] is not None else [])
        return [ctx.add1(node, "Dense", inputs)]
    wt = ctx.add1(node, "Transpose", [ctx.tensor(a["weight"])], {"perm": [1, 0]}, suffix="weight_t")
    if a["bias"] is None:
        return [ctx.add1(node, "MatMul", [x, wt])]
    y = ctx.add1(node, "MatMul", [x, wt], suffix="matmul")
    return [ctx.add1(node, "Add", [y, ctx.tensor(a["bias"])])]


@REG.register("aten.addmm.default")
def addmm(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.addmm (beta * bias + alpha * x @ w) -> Dense for a constant w, else MatMul + Add."""
    a = bind_args(node)
    if float(a["beta"]) != 1.0 or float(a["alpha"]) != 1.0:
        raise UnsupportedOpError("addmm with alpha or beta other than 1 is not supported", node=node.name)
    w = ctx.const(a["mat2"])
    if w is not None and len(ctx.shape(a["self"])) == 1:
        weight = ctx.builder.param(f"{ctx.base(node)}.weight", np.ascontiguousarray(w.T))
        return [ctx.add1(node, "Dense", [ctx.tensor(a["mat1"]), weight, ctx.tensor(a["self"])])]
    y = ctx.add1(node, "MatMul", [ctx.tensor(a["mat1"]), ctx.tensor(a["mat2"])], suffix="matmul")
    return [ctx.add1(node, "Add", [y, ctx.tensor(a["self"])])]


@REG.register("aten.mm.default", "aten.bmm.default", "aten.matmul.default")
def matmul(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.mm / bmm / matmul -> MatMul."""
    return [ctx.add1(node, "MatMul", [ctx.tensor(node.args[0]), ctx.tensor(node.args[1])])]


def _pool_attrs(a: dict[str, Any], n: int) -> dict[str, Any]:
    kernel = _spatial(a["kernel_size"], n)
    strides = _spatial(a["stride"], n) if a["stride"] else kernel
    pads = _spatial(a["padding"], n)
    return {"kernel_shape": kernel, "strides": strides, "pads": pads + pads,
            "ceil_mode": int(bool(a["ceil_mode"]))}


@REG.register("aten.max_pool1d.default", "aten.max_pool2d.default", "aten.max_pool3d.default")
def max_pool(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.max_pool{1,2,3}d -> MaxPool."""
    a = bind_args(node)
    n = len(ctx.shape(node)) - 2
    attrs = {**_pool_attrs(a, n), "dilations": _spatial(a["dilation"], n)}
    return [ctx.add1(node, "MaxPool", [ctx.tensor(a["self"])], attrs)]


@REG.register("aten.avg_pool1d.default", "aten.avg_pool2d.default", "aten.avg_pool3d.default")
def avg_pool(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.avg_pool{1,2,3}d -> AvgPool (count_include_pad kept; divisor_override unsupported)."""
    a = bind_args(node)
    if a.get("divisor_override") is not None:
        raise UnsupportedOpError("avg_pool with divisor_override is not supported", node=node.name)
    n = len(ctx.shape(node)) - 2
    attrs = {**_pool_attrs(a, n), "count_include_pad": int(bool(a["count_include_pad"]))}
    return [ctx.add1(node, "AvgPool", [ctx.tensor(a["self"])], attrs)]


def _adaptive(node: Any, ctx: ConversionContext, op: str) -> str:
    x = node.args[0]
    sizes = ctx.shape(x)[2:]
    outs = ctx.shape(node)[2:]
    if all(o == 1 for o in outs):
        return ctx.add1(node, f"Global{op}", [ctx.tensor(x)])
    if any(s % o for s, o in zip(sizes, outs)):
        raise UnsupportedOpError(f"adaptive {op.lower()} from {list(sizes)} to {list(outs)} is not "
                                 "supported: the input size must be a multiple of the output size",
                                 node=node.name, hint="choose an input shape divisible by the output size")
    kernel = [s // o for s, o in zip(sizes, outs)]
    return ctx.add1(node, op, [ctx.tensor(x)], {"kernel_shape": kernel, "strides": kernel})


@REG.register("aten.adaptive_avg_pool1d.default", "aten.adaptive_avg_pool2d.default",
              "aten._adaptive_avg_pool2d.default", "aten.adaptive_avg_pool3d.default")
def adaptive_avg_pool(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.adaptive_avg_pool* -> GlobalAvgPool (to 1) or AvgPool (evenly divisible sizes)."""
    return [_adaptive(node, ctx, "AvgPool")]


@REG.register("aten.adaptive_max_pool1d.default", "aten.adaptive_max_pool2d.default")
def adaptive_max_pool(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.adaptive_max_pool* -> GlobalMaxPool or MaxPool (values only, no indices)."""
    return [_adaptive(node, ctx, "MaxPool"), ""]
