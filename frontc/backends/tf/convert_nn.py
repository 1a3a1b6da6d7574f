"""Layers with weights as Keras layers: Conv, ConvTranspose, BatchNorm, Dense, Gemm, MatMul, LRN.

Convolutions run channels-last (the held NHWC form of 4-D tensors; a Permute for 1-d
and 3-d ones). Explicit pads become ``padding='same'`` when they are exactly TF's
'same' pads, otherwise a ZeroPaddingND before a 'valid' layer.
"""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from frontc.backends.tf import weights
from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.convert_elementwise import fused_activation
from frontc.backends.tf.layers_math import LRN, Gemm, MatMul
from frontc.backends.tf.layers_shape import Slice, Split
from frontc.backends.tf.registry import factory
from frontc.backends.tf.windows import geometry, keras_padding, same_pads
from frontc.ir.graph import Node
from frontc.ir.ops.common import spatial

L = keras.layers
CONV = {1: L.Conv1D, 2: L.Conv2D, 3: L.Conv3D}
DEPTHWISE = {1: L.DepthwiseConv1D, 2: L.DepthwiseConv2D}
CONV_TRANSPOSE = {1: L.Conv1DTranspose, 2: L.Conv2DTranspose, 3: L.Conv3DTranspose}
ZERO_PADDING = {1: L.ZeroPadding1D, 2: L.ZeroPadding2D, 3: L.ZeroPadding3D}
CROPPING = {1: L.Cropping1D, 2: L.Cropping2D, 3: L.Cropping3D}


def _same(value: np.ndarray) -> np.ndarray:
    return value


def _weights(ctx: BuildContext, node: Node) -> tuple[np.ndarray, np.ndarray | None]:
    """(W, B or None) of a Conv/ConvTranspose/Dense; both must be params."""
    w = ctx.param(node.inputs[1])
    bias_name = node.inputs[2] if len(node.inputs) > 2 else ""
    bias = ctx.param(bias_name)
    if w is None or (bias_name and bias is None):
        raise ctx.fail("the weights must be params (a Keras layer holds them as weights)")
    return w, bias


def _spatial_rank(ctx: BuildContext, x: str) -> int:
    n = ctx.rank(x) - 2
    if n not in (1, 2, 3):
        raise ctx.fail(f"{n}-d windows have no Keras layer (1-d, 2-d and 3-d do)")
    return n


def _bind_bias(ctx: BuildContext, node: Node, layer: keras.layers.Layer, bias: np.ndarray | None) -> None:
    if bias is not None:
        ctx.bind(node.inputs[2], layer, 1, _same)


@factory("Conv")
def conv(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Conv -> ConvND / DepthwiseConvND (group == channels) / grouped ConvND, plus an Add of the
    residual input and the fused activation."""
    x = node.inputs[0]
    w, bias = _weights(ctx, node)
    n = _spatial_rank(ctx, x)
    strides, dilations, pads = geometry(a, n)
    channels, group, kernel = ctx.shape(x)[1], a["group"], list(w.shape[2:])
    # Keras refuses strides > 1 with dilation > 1: convolve densely, then subsample
    subsample = any(s > 1 for s in strides) and any(d > 1 for d in dilations)
    conv_strides = [1] * n if subsample else strides
    y, padding = ctx.channels_last(x), "valid"
    if any(pads):
        if pads == same_pads(ctx.shape(x)[2:], kernel, conv_strides, dilations):
            padding = "same"
        else:
            y = ctx.call(ZERO_PADDING[n](keras_padding(pads), name=ctx.name("pad"), **ctx.float_kwargs(x)), y)
    common = {"kernel_size": kernel, "strides": conv_strides, "padding": padding,
              "dilation_rate": dilations, "use_bias": bias is not None, "name": ctx.name(),
              **ctx.float_kwargs(x)}
    if group == channels > 1 and n in DEPTHWISE:
        layer = DEPTHWISE[n](depth_multiplier=w.shape[0] // channels, **common)
        kernel_w, back = weights.depthwise_to_keras(w, channels), weights.depthwise_from_keras
    else:
        layer = CONV[n](w.shape[0], groups=group, **common)
        kernel_w, back = weights.conv_to_keras(w), weights.conv_from_keras
    y = ctx.call(layer, y, [kernel_w] + ([bias] if bias is not None else []))
    ctx.bind(node.inputs[1], layer, 0, back)
    _bind_bias(ctx, node, layer, bias)
    if subsample:
        slices = [[None, None, None], *[[None, None, s] for s in strides], [None, None, None]]
        y = ctx.call(Slice(slices, name=ctx.name("stride")), y)
    if len(node.inputs) > 3 and node.inputs[3]:
        residual = ctx.channels_last(node.inputs[3])
        y = ctx.call(L.Add(name=ctx.name("residual"), **ctx.float_kwargs(x)), [y, residual])
    ctx.set_channels_last(node.outputs[0], fused_activation(ctx, node, a, y))


@factory("ConvTranspose")
def conv_transpose(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """ConvTranspose -> ConvNDTranspose ('valid', explicit output_padding) per group, then
    CroppingND for the pads and the fused activation. With strides and dilation both > 1
    (which Keras refuses) the kernel is dilated with zero taps instead."""
    x = node.inputs[0]
    w, bias = _weights(ctx, node)
    n = _spatial_rank(ctx, x)
    strides, dilations, pads = geometry(a, n)
    out_pad = spatial(a["output_padding"], n, 0, "output_padding")
    if any(p >= s for p, s in zip(out_pad, strides)):
        raise ctx.fail(f"output_padding {out_pad} not below strides {strides} has no "
                       f"Conv{n}DTranspose form")
    group = a["group"]
    zero_taps = [1] * n
    if any(s > 1 for s in strides) and any(d > 1 for d in dilations):
        zero_taps, dilations = dilations, [1] * n
    kernels = [weights.dilate(k, zero_taps) for k in weights.conv_transpose_to_keras(w, group)]
    y = ctx.channels_last(x)
    pieces = [y] if group == 1 else \
        ctx.call(Split(-1, [w.shape[0] // group] * group, name=ctx.name("groups")), y)
    biases = np.split(bias, group) if bias is not None else [None] * group
    layers, outs = [], []
    for i, (piece, kernel_w, b) in enumerate(zip(pieces, kernels, biases)):
        layer = CONV_TRANSPOSE[n](w.shape[1], list(kernel_w.shape[:n]), strides=strides, padding="valid",
                                  output_padding=out_pad, dilation_rate=dilations,
                                  use_bias=b is not None, name=ctx.name(f"g{i}" if group > 1 else ""),
                                  **ctx.float_kwargs(x))
        outs.append(ctx.call(layer, piece, [kernel_w] + ([b] if b is not None else [])))
        layers.append(layer)
    if group > 1:
        y = ctx.call(L.Concatenate(axis=-1, name=ctx.name("concat"), **ctx.float_kwargs(x)), outs)
    else:
        y = outs[0]
    ctx.bind_many(node.inputs[1], [(layer.name, 0) for layer in layers],
                  lambda ks: weights.conv_transpose_from_keras([weights.undilate(k, zero_taps) for k in ks]))
    if bias is not None:
        ctx.bind_many(node.inputs[2], [(layer.name, 1) for layer in layers], np.concatenate)
    if any(pads):
        y = ctx.call(CROPPING[n](keras_padding(pads), name=ctx.name("crop"), **ctx.float_kwargs(x)), y)
    ctx.set_channels_last(node.outputs[0], fused_activation(ctx, node, a, y))


@factory("BatchNorm")
def batch_norm(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """BatchNorm -> BatchNormalization on the channel axis as held (moving statistics set)."""
    x, names = node.inputs[0], node.inputs[1:]
    values = [ctx.param(t) for t in names]
    if any(v is None for v in values):
        raise ctx.fail("scale, bias, mean and var must be params")
    nhwc = ctx.is_nhwc(x)
    layer = L.BatchNormalization(axis=-1 if nhwc else 1, epsilon=a["epsilon"], name=ctx.name(),
                                 **ctx.float_kwargs(x))
    y = ctx.call(layer, ctx.get(x), values)
    for i, t in enumerate(names):
        ctx.bind(t, layer, i, _same)
    ctx.set(node.outputs[0], y, nhwc)


@factory("Dense")
def dense(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Dense -> Dense over the last IR axis (a 4-D input is read in its IR layout)."""
    x = node.inputs[0]
    w, bias = _weights(ctx, node)
    layer = L.Dense(w.shape[0], use_bias=bias is not None, name=ctx.name(), **ctx.float_kwargs(x))
    y = ctx.call(layer, ctx.get(x, nhwc=False),
                 [weights.dense_to_keras(w)] + ([bias] if bias is not None else []))
    ctx.bind(node.inputs[1], layer, 0, weights.dense_from_keras)
    _bind_bias(ctx, node, layer, bias)
    ctx.set(node.outputs[0], fused_activation(ctx, node, a, y))


@factory("Gemm")
def gemm(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Gemm with a constant B and per-column C (alpha = beta = 1, A not transposed) -> Dense;
    any other Gemm -> a Gemm layer."""
    b = ctx.param(node.inputs[1])
    c_name = node.inputs[2] if len(node.inputs) > 2 else ""
    c = ctx.param(c_name)
    out = node.outputs[0]
    columns = ctx.shape(out)[1]
    plain_c = not c_name or (c is not None and a["beta"] == 1.0 and c.shape in ((columns,), (1, columns)))
    if b is None or a["transA"] or a["alpha"] != 1.0 or not plain_c:
        inputs = [ctx.get(t, nhwc=False) for t in node.inputs if t]
        layer = Gemm(a["alpha"], a["beta"], a["transA"], a["transB"], name=ctx.name())
        ctx.set(out, ctx.call(layer, inputs))
        return
    trans = bool(a["transB"])
    layer = L.Dense(columns, use_bias=bool(c_name), name=ctx.name(), **ctx.float_kwargs(out))
    kernel = b.T if trans else b
    y = ctx.call(layer, ctx.get(node.inputs[0]), [kernel] + ([c.reshape(-1)] if c_name else []))
    ctx.bind(node.inputs[1], layer, 0, lambda k: np.ascontiguousarray(k.T if trans else k))
    if c_name:
        ctx.bind(c_name, layer, 1, lambda v: v.reshape(c.shape))
    ctx.set(out, y)


@factory("MatMul")
def matmul(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """MatMul by a constant 2-d B -> Dense without bias; any other -> a MatMul layer."""
    x, b_name = node.inputs
    b = ctx.param(b_name)
    out = node.outputs[0]
    if b is not None and b.ndim == 2 and ctx.rank(x) >= 2 and ctx.param(x) is None:
        layer = L.Dense(b.shape[1], use_bias=False, name=ctx.name(), **ctx.float_kwargs(out))
        ctx.set(out, ctx.call(layer, ctx.get(x, nhwc=False), [b]))
        ctx.bind(b_name, layer, 0, _same)
        return
    inputs = [ctx.get(t, nhwc=False) for t in node.inputs]
    ctx.set(out, ctx.call(MatMul(name=ctx.name()), inputs))


@factory("LRN")
def lrn(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """LRN across channels -> an LRN layer over the channels-last axis."""
    x = node.inputs[0]
    layer = LRN(a["size"], a["alpha"], a["beta"], a["bias"], name=ctx.name())
    ctx.set_channels_last(node.outputs[0], ctx.call(layer, ctx.channels_last(x)))
