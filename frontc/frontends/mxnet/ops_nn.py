"""Converters of MXNet layers with weights or windows: convolutions, BatchNorm, FC, pooling, LRN."""
from __future__ import annotations

import math

import numpy as np

from frontc.frontends.mxnet.context import REG, Context
from frontc.frontends.mxnet.symbol import MxNode
from frontc.ir.ops.common import window_out

CHANNEL_FIRST = ("", "None", "NCW", "NCHW", "NCDHW")


def _check_layout(node: MxNode, ctx: Context) -> None:
    layout = node.get_str("layout", "")
    if layout not in CHANNEL_FIRST:
        raise ctx.unsupported(node, f"layout={layout}")


def _window(node: MxNode, n: int) -> tuple[list[int], list[int], list[int]]:
    """(strides, symmetric pads as begins + ends, dilations) of an MXNet window op."""
    stride = list(node.get_ints("stride", ())) or [1] * n
    pad = list(node.get_ints("pad", ())) or [0] * n
    dilate = list(node.get_ints("dilate", ())) or [1] * n
    return stride, pad + pad, dilate


@REG.register("Convolution")
def convolution(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Convolution (num_group, dilate, pad, stride, no_bias) -> Conv."""
    _check_layout(node, ctx)
    kernel = list(node.get_ints("kernel"))
    strides, pads, dilations = _window(node, len(kernel))
    inputs = [ctx.x(node, 0), ctx.x(node, 1)]
    if not node.get_bool("no_bias", False):
        inputs.append(ctx.x(node, 2))
    return [ctx.add("Conv", inputs, {"strides": strides, "pads": pads, "dilations": dilations,
                                     "group": node.get_int("num_group", 1), "kernel_shape": kernel},
                    node)]


def _deconv_padding(node: MxNode, ctx: Context, x: str, kernel: list[int], strides: list[int],
                    dilations: list[int]) -> tuple[list[int], list[int]]:
    """(pads, output_padding) of a Deconvolution; a target_shape overrides pad and adj."""
    n = len(kernel)
    target = [int(d) for d in node.get_ints("target_shape", ())]
    if not any(target):
        pad = list(node.get_ints("pad", ())) or [0] * n
        return pad + pad, list(node.get_ints("adj", ())) or [0] * n
    size = ctx.shape(x)[2:]
    pads, adj = [], []
    for i in range(n):  # as mxnet's DeconvolutionParam::InferPad
        total = strides[i] * (size[i] - 1) + dilations[i] * (kernel[i] - 1) + 1 - target[i]
        if total < 0:
            raise ctx.unsupported(node, f"target_shape {target} larger than the full output")
        adj.append(total % 2)
        pads.append((total + 1) // 2)
    return pads + pads, adj


@REG.register("Deconvolution")
def deconvolution(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Deconvolution (num_group, dilate, pad, adj, target_shape, no_bias) -> ConvTranspose."""
    _check_layout(node, ctx)
    kernel = list(node.get_ints("kernel"))
    strides, _, dilations = _window(node, len(kernel))
    x = ctx.x(node, 0)
    pads, adj = _deconv_padding(node, ctx, x, kernel, strides, dilations)
    inputs = [x, ctx.x(node, 1)]
    if not node.get_bool("no_bias", True):
        inputs.append(ctx.x(node, 2))
    return [ctx.add("ConvTranspose", inputs,
                    {"strides": strides, "pads": pads, "dilations": dilations, "output_padding": adj,
                     "group": node.get_int("num_group", 1), "kernel_shape": kernel}, node)]


@REG.register("BatchNorm")
def batch_norm(node: MxNode, ctx: Context) -> list[str]:
    """MXNet BatchNorm at inference (moving stats; fix_gamma=True means gamma is 1) -> BatchNorm."""
    x = ctx.x(node, 0)
    rank = len(ctx.shape(x))
    axis = node.get_int("axis", 1)
    if axis % max(rank, 1) != 1:
        raise ctx.unsupported(node, f"axis={axis} on a rank-{rank} input")
    if node.get_bool("fix_gamma", True):
        channels = ctx.shape(x)[1]
        gamma = ctx.constant(np.ones(channels), node, "_gamma_fixed", ctx.dtype(x))
    else:
        gamma = ctx.x(node, 1)
    inputs = [x, gamma, ctx.x(node, 2), ctx.x(node, 3), ctx.x(node, 4)]
    return [ctx.add("BatchNorm", inputs, {"epsilon": node.get_float("eps", 1e-3)}, node)]


@REG.register("FullyConnected")
def fully_connected(node: MxNode, ctx: Context) -> list[str]:
    """MXNet FullyConnected (flatten, no_bias) -> [Flatten +] Dense."""
    x = ctx.x(node, 0)
    if node.get_bool("flatten", True) and len(ctx.shape(x)) != 2:
        x = ctx.add("Flatten", [x], {"axis": 1}, node, "_flatten")
    inputs = [x, ctx.x(node, 1)]
    if not node.get_bool("no_bias", False):
        inputs.append(ctx.x(node, 2))
    return [ctx.add("Dense", inputs, {}, node)]


def _check_full_convention(node: MxNode, ctx: Context, size: tuple[int, ...], kernel: list[int],
                           strides: list[int], pads: list[int]) -> None:
    """mxnet's 'full' size, 1 + ceil((x + 2p - k) / s), is the IR's ceil mode unless the last
    window lies wholly in the end padding, which mxnet fills with -FLT_MAX (max) or 0 (avg)."""
    n = len(kernel)
    for i in range(n):
        wanted = 1 + math.ceil((size[i] + 2 * pads[i] - kernel[i]) / strides[i])
        if window_out(size[i], kernel[i], strides[i], pads[i], pads[n + i], 1, True) != wanted:
            raise ctx.unsupported(node, "pooling_convention=full and an output window that lies "
                                        "wholly in the padding")


@REG.register("Pooling")
def pooling(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Pooling (max/avg, global_pool, pooling_convention, count_include_pad) -> *Pool."""
    _check_layout(node, ctx)
    pool_type = node.get_str("pool_type", "max")
    if pool_type not in ("max", "avg"):
        raise ctx.unsupported(node, f"pool_type={pool_type}")
    op = "MaxPool" if pool_type == "max" else "AvgPool"
    x = ctx.x(node, 0)
    if node.get_bool("global_pool", False):
        return [ctx.add("Global" + op, [x], {}, node)]
    kernel = list(node.get_ints("kernel"))
    strides, pads, _ = _window(node, len(kernel))
    count_include_pad = node.get_bool("count_include_pad", True)
    convention = node.get_str("pooling_convention", "valid")
    if convention == "valid":
        ceil_mode = 0
    elif convention == "full":
        _check_full_convention(node, ctx, ctx.shape(x)[2:], kernel, strides, pads)
        ceil_mode = 1
    else:
        raise ctx.unsupported(node, f"pooling_convention={convention}")
    attrs = {"kernel_shape": kernel, "strides": strides, "pads": pads, "ceil_mode": ceil_mode}
    if op == "AvgPool":
        attrs["count_include_pad"] = int(count_include_pad)
    return [ctx.add(op, [x], attrs, node)]


@REG.register("LRN")
def lrn(node: MxNode, ctx: Context) -> list[str]:
    """MXNet LRN: x / (knorm + alpha / nsize * sum of squares) ^ beta -> LRN."""
    attrs = {"size": node.get_int("nsize"), "alpha": node.get_float("alpha", 1e-4),
             "beta": node.get_float("beta", 0.75), "bias": node.get_float("knorm", 2.0)}
    return [ctx.add("LRN", [ctx.x(node, 0)], attrs, node)]
