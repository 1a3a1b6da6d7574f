"""TF ops with weights: Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput, BiasAdd,
FusedBatchNorm(V2/V3), MatMul."""
from __future__ import annotations

import numpy as np

from frontc.frontends.keras_tf.context import Operand, Value
from frontc.frontends.keras_tf.layout import (
    NCHW,
    depthwise_to_oihw,
    flat_order,
    hwio_to_oihw,
    transpose_pads,
    window_pads,
)
from frontc.frontends.keras_tf.tf_ops.atrous import SpaceToBatch, pending_conv
from frontc.frontends.keras_tf.tf_ops.common import REGISTRY, TFContext, TFNode, nhwc_only, spatial, variant

variant("Conv2D", "DepthwiseConv2dNative", "Conv2DBackpropInput", "BiasAdd")(nhwc_only)


@variant("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3")
def _bn_variant(node: TFNode) -> str | None:
    return "is_training" if node.attr("is_training", True) else nhwc_only(node)


def _geometry(node: TFNode, sizes: list[int], kernel: list[int]) -> dict:
    strides = spatial(node.attr("strides"))
    dilations = spatial(node.attr("dilations", [1, 1, 1, 1]))
    padding = node.attr("padding")
    if padding == "EXPLICIT":
        p = node.attr("explicit_paddings")
        pads = [p[2], p[4], p[3], p[5]]
    else:
        pads = window_pads(padding, sizes, kernel, strides, dilations)
    return {"strides": strides, "dilations": dilations, "pads": pads}


def _conv(ctx: TFContext, node: TFNode, w: np.ndarray, group: int) -> list[Operand]:
    x = ctx.nchw(node.inputs[0], node.name)
    attrs = {**_geometry(node, ctx.builder.shape(x)[2:], list(w.shape[2:])), "group": group}
    return [ctx.emit("Conv", [x, ctx.param(f"{node.name}_W", w)], attrs, name=node.name,
                     source=node.name, layout=NCHW)]


@REGISTRY.register("Conv2D")
def conv2d(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Conv2D (NHWC, HWIO filter, SAME/VALID/EXPLICIT) -> Conv (pending when it is the
    middle of a SpaceToBatchND dilated convolution)."""
    kernel = node.const(1)
    x = node.inputs[0]
    source = x.value if isinstance(x, SpaceToBatch) else x
    group = ctx.source_shape(source)[3] // kernel.shape[2]
    if isinstance(x, SpaceToBatch):
        return [pending_conv(node, hwio_to_oihw(kernel), group)]
    return _conv(ctx, node, hwio_to_oihw(kernel), group)


@REGISTRY.register("DepthwiseConv2dNative")
def depthwise_conv2d(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF DepthwiseConv2dNative -> Conv with group = C (pending inside a dilated convolution)."""
    kernel = node.const(1)
    if isinstance(node.inputs[0], SpaceToBatch):
        return [pending_conv(node, depthwise_to_oihw(kernel), kernel.shape[2])]
    return _conv(ctx, node, depthwise_to_oihw(kernel), kernel.shape[2])


@REGISTRY.register("Conv2DBackpropInput")
def conv2d_backprop_input(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Conv2DBackpropInput (a transposed convolution) -> ConvTranspose."""
    out_sizes = [int(d) for d in node.const(0)[1:3]]
    kernel = node.const(1)  # (kh, kw, out, in)
    x = ctx.nchw(node.inputs[2], node.name)
    strides = spatial(node.attr("strides"))
    dilations = spatial(node.attr("dilations", [1, 1, 1, 1]))
    in_sizes = ctx.builder.shape(x)[2:]
    padding = node.attr("padding")
    if padding == "EXPLICIT":
        pads = _geometry(node, in_sizes, list(kernel.shape[:2]))["pads"]
        extra = [o - ((i - 1) * s + d * (k - 1) + 1 - pads[a] - pads[a + 2]) for a, (i, o, k, s, d) in
                 enumerate(zip(in_sizes, out_sizes, kernel.shape[:2], strides, dilations))]
    else:
        pads, extra = transpose_pads(padding, in_sizes, out_sizes, kernel.shape[:2], strides, dilations)
    attrs = {"strides": strides, "dilations": dilations, "pads": pads, "output_padding": extra}
    return [ctx.emit("ConvTranspose", [x, ctx.param(f"{node.name}_W", hwio_to_oihw(kernel))], attrs,
                     name=node.name, source=node.name, layout=NCHW)]


def _fold_bias(ctx: TFContext, node: TFNode, x: Value, bias: np.ndarray) -> bool:
    """Give a bias-less Conv/ConvTranspose/Dense producing ``x`` the bias, when nothing else
    reads ``x``; True when done."""
    graph = ctx.builder.graph
    producer = graph.producer(x.tensor)
    if producer is None or producer.op not in ("Conv", "ConvTranspose", "Dense") or \
            len(producer.inputs) != 2 or producer.attrs.get("activation") or \
            ctx.readers.get(node.refs[0], 0) != 1 or graph.consumers(x.tensor) or \
            graph.spec(x.tensor).shape[1 if x.layout == NCHW else -1] != bias.size:
        return False
    producer.inputs.append(ctx.param(f"{producer.name}_B", bias))
    producer.meta.setdefault("fused_sources", []).append(node.name)
    graph.invalidate()
    return True


@REGISTRY.register("BiasAdd", "BiasAddV1")
def bias_add(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF BiasAdd -> the bias of the Conv/Dense before it, else an Add over the channel axis."""
    x, bias = node.inputs[0], node.const(1)
    if node.folded:
        return [x + bias]
    if _fold_bias(ctx, node, x, bias):
        return [x]
    tensors, layout = ctx.operands([x, bias], node.name)
    return [ctx.emit("Add", tensors, name=node.name, source=node.name, layout=layout)]


@REGISTRY.register("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3")
def fused_batch_norm(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF FusedBatchNorm* (inference, NHWC) -> BatchNorm."""
    x = ctx.nchw(node.inputs[0], node.name)
    params = [ctx.param(f"{node.name}_{part}", node.const(i)) for i, part in
              enumerate(("scale", "offset", "mean", "variance"), start=1)]
    return [ctx.emit("BatchNorm", [x, *params], {"epsilon": float(node.attr("epsilon", 1e-4))},
                     name=node.name, source=node.name, layout=NCHW)]


def _transposed(ctx: TFContext, node: TFNode, value: Operand, which: str) -> Operand:
    if isinstance(value, Value):
        return ctx.transpose_source(value, [1, 0], name=f"{node.name}_{which}T", source=node.name)
    return value.T


@REGISTRY.register("MatMul")
def matmul(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF MatMul -> Dense when B is constant (W = B.T, columns permuted after an NCHW
    flatten), else MatMul."""
    a, b = node.inputs
    ta, tb = node.attr("transpose_a", False), node.attr("transpose_b", False)
    if node.folded:
        return [np.matmul(a.T if ta else a, b.T if tb else b)]
    if ta:
        a = _transposed(ctx, node, a, "a")
    if isinstance(b, Value):
        b = _transposed(ctx, node, b, "b") if tb else b
        tensors = [ctx.plain(v, node.name) if isinstance(v, Value) else ctx.param(f"{node.name}_const", v)
                   for v in (a, b)]
        return [ctx.emit("MatMul", tensors, name=node.name, source=node.name)]
    w = b if tb else b.T  # (out, in)
    if a.layout.kind == "flat":
        w = w[:, flat_order(a.layout.hwc)]
    return [ctx.emit("Dense", [a.tensor, ctx.param(f"{node.name}_W", np.ascontiguousarray(w))],
                     name=node.name, source=node.name)]
