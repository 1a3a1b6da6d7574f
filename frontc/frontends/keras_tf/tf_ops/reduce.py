"""TF pooling and reductions: MaxPool, AvgPool, Mean, Max, Min, Sum, Prod."""
from __future__ import annotations

import numpy as np

from frontc.frontends.keras_tf.context import Operand, Value
from frontc.frontends.keras_tf.layout import NCHW, PLAIN, ir_axis, window_pads
from frontc.frontends.keras_tf.tf_ops.common import REGISTRY, TFContext, TFNode, nhwc_only, spatial, variant
from frontc.ir.errors import UnsupportedOpError

variant("MaxPool", "AvgPool")(nhwc_only)

# TF op -> (IR reduction, numpy function, IR global pool for a mean/max over H and W)
REDUCTIONS = {
    "Mean": ("ReduceMean", np.mean, "GlobalAvgPool"),
    "Max": ("ReduceMax", np.max, "GlobalMaxPool"),
    "Min": ("ReduceMin", np.min, None),
    "Sum": ("ReduceSum", np.sum, None),
    "Prod": (None, np.prod, None),
}


@REGISTRY.register("MaxPool", "AvgPool")
def pool(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF MaxPool/AvgPool (NHWC, SAME/VALID) -> MaxPool/AvgPool; TF's SAME average
    divides by the real pixels only (count_include_pad=0)."""
    x = ctx.nchw(node.inputs[0], node.name)
    kernel, strides = spatial(node.attr("ksize")), spatial(node.attr("strides"))
    pads = window_pads(node.attr("padding"), ctx.builder.shape(x)[2:], kernel, strides, [1, 1])
    op = "MaxPool" if node.op == "MaxPool" else "AvgPool"
    return [ctx.emit(op, [x], {"kernel_shape": kernel, "strides": strides, "pads": pads},
                     name=node.name, source=node.name, layout=NCHW)]


@REGISTRY.register(*REDUCTIONS)
def reduce(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Mean/Max/Min/Sum -> GlobalAvgPool/GlobalMaxPool over H, W of an image, else the
    IR reduction of the IR axes (folded for constants; Prod only folds)."""
    op, fn, global_pool = REDUCTIONS[node.op]
    x, keep = node.inputs[0], bool(node.attr("keep_dims", False))
    axes = [int(a) for a in np.atleast_1d(node.const(1))]
    if not isinstance(x, Value):
        return [np.asarray(fn(x, axis=tuple(axes), keepdims=keep)).astype(x.dtype)]
    if op is None:
        raise UnsupportedOpError(f"{node.op} of a computed tensor", node=node.name)
    if not axes:
        return [x]
    x = ctx.axes_value(x, node.name)
    rank = len(ctx.source_shape(x))
    axes = sorted(a % rank for a in axes)
    if x.layout == NCHW and axes == [1, 2] and global_pool:
        out = ctx.emit(global_pool, [x.tensor], name=node.name, source=node.name, layout=NCHW)
        if keep:
            return [out]
        return [ctx.emit("Flatten", [out.tensor], {"axis": 1}, name=f"{node.name}_flatten",
                         source=node.name)]
    ir_axes = [ir_axis(a, rank, x.layout) for a in axes]
    out = ctx.emit(op, [x.tensor], {"axes": ir_axes, "keepdims": int(keep)}, name=node.name,
                   source=node.name, layout=x.layout if keep else PLAIN)
    if keep:
        return [out]
    return [ctx.dropped(x, out.tensor, axes, name=f"{node.name}_order", source=node.name)]
