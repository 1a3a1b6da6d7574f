"""Pooling and reductions as Keras layers.

A pool is built exactly as the IR defines it: TF's 'valid' pooling after explicit
padding counts zero pads in an average, 'same' pooling never does, and max pooling
pads with -inf. Whatever the divisor of an average must be (count_include_pad with
ceil mode, pads that are not TF's 'same'), a constant per-position correction
multiplies the 'valid' average of the zero-padded input.
"""
from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from frontc.backends.tf import layout
from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_math import Elementwise, Reduce
from frontc.backends.tf.layers_shape import Pad
from frontc.backends.tf.layers_window import WindowMax
from frontc.backends.tf.registry import factory
from frontc.backends.tf.windows import ceil_extra, channels_last_pads, geometry, keras_padding, same_pads
from frontc.ir.graph import Node
from frontc.ir.ops.common import window_out
from frontc.ir.ops.reduce import REDUCE_OPS

L = keras.layers
MAX_POOL = {1: L.MaxPooling1D, 2: L.MaxPooling2D, 3: L.MaxPooling3D}
AVG_POOL = {1: L.AveragePooling1D, 2: L.AveragePooling2D, 3: L.AveragePooling3D}
ZERO_PADDING = {1: L.ZeroPadding1D, 2: L.ZeroPadding2D, 3: L.ZeroPadding3D}


class _Window:
    """The geometry of one pool node: sizes, kernel, strides, dilations, pads, ceil extra."""

    def __init__(self, ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
        self.sizes = list(ctx.shape(node.inputs[0])[2:])
        self.n = len(self.sizes)
        if self.n not in MAX_POOL:
            raise ctx.fail(f"{self.n}-d pooling has no Keras layer (1-d, 2-d and 3-d do)")
        self.kernel = list(a["kernel_shape"])
        self.strides, self.dilations, self.pads = geometry(a, self.n)
        self.extra = ceil_extra(self.sizes, self.kernel, self.strides, self.dilations, self.pads,
                                bool(a["ceil_mode"]))
        n = self.n
        self.full = self.pads[:n] + [p + e for p, e in zip(self.pads[n:], self.extra)]
        self.out = [window_out(s, k, st, self.full[i], self.full[n + i], d)
                    for i, (s, k, st, d) in enumerate(zip(self.sizes, self.kernel, self.strides,
                                                          self.dilations))]

    def is_same(self) -> bool:
        """True when TF 'same' pooling gives exactly these windows."""
        same = same_pads(self.sizes, self.kernel, self.strides, self.dilations)
        return self.out == [math.ceil(s / st) for s, st in zip(self.sizes, self.strides)] \
            and self.pads[:self.n] == same[:self.n]

    def divisor_correction(self, count_include_pad: bool) -> np.ndarray:
        """prod(kernel) / (the IR divisor) per output position, shaped to broadcast channels-last."""
        n = self.n
        ones = np.ones(self.sizes)
        if count_include_pad:
            ones = np.pad(ones, list(zip(self.pads[:n], self.pads[n:])), constant_values=1.0)
            mask = np.pad(ones, [(0, e) for e in self.extra])
        else:
            mask = np.pad(ones, list(zip(self.full[:n], self.full[n:])))
        windows = sliding_window_view(mask, self.kernel)[tuple(slice(None, None, s) for s in self.strides)]
        count = windows.sum(axis=tuple(range(n, 2 * n)))
        return (math.prod(self.kernel) / count).reshape(1, *count.shape, 1)


@factory("MaxPool")
def max_pool(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """MaxPool -> MaxPoolingND ('same' when TF's same pads give these windows, else after a -inf
    Pad); dilated -> WindowMax."""
    win = _Window(ctx, node, a)
    y = ctx.channels_last(node.inputs[0])
    dilated = any(d > 1 for d in win.dilations)
    padding = "same" if any(win.full) and not dilated and win.is_same() else "valid"
    if any(win.full) and padding == "valid":
        y = ctx.call(Pad(channels_last_pads(win.full), value=-np.inf, name=ctx.name("pad")), y)
    if dilated:
        layer = WindowMax(win.kernel, win.strides, win.dilations, name=ctx.name())
    else:
        layer = MAX_POOL[win.n](win.kernel, win.strides, padding=padding, name=ctx.name(),
                                **ctx.float_kwargs(node.inputs[0]))
    ctx.set_channels_last(node.outputs[0], ctx.call(layer, y))


@factory("AvgPool")
def avg_pool(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """AvgPool -> AveragePoolingND: 'valid' without pads, 'same' when it excludes exactly the IR's
    pads, ZeroPaddingND + 'valid' when pads count, else with a divisor correction."""
    win = _Window(ctx, node, a)
    x = node.inputs[0]
    y = ctx.channels_last(x)
    include = bool(a["count_include_pad"])
    padding = "same" if any(win.full) and not include and win.is_same() else "valid"
    padded = win.full if padding == "valid" and any(win.full) else []
    if padded:
        y = ctx.call(ZERO_PADDING[win.n](keras_padding(padded), name=ctx.name("pad"), **ctx.float_kwargs(x)), y)
    layer = AVG_POOL[win.n](win.kernel, win.strides, padding=padding, name=ctx.name(),
                            **ctx.float_kwargs(x))
    y = ctx.call(layer, y)
    if padded and (not include or any(win.extra)):  # 'valid' divided by prod(kernel) everywhere
        correction = win.divisor_correction(include).astype(ctx.dtype(x))
        scale = Elementwise("Mul", value_shape=correction.shape, value_dtype=ctx.dtype(x),
                            name=ctx.name("divisor"))
        y = ctx.call(scale, y, [correction])
    ctx.set_channels_last(node.outputs[0], y)


@factory("GlobalAvgPool", "GlobalMaxPool")
def global_pool(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """GlobalAvgPool/GlobalMaxPool -> GlobalAveragePooling2D/GlobalMaxPooling2D(keepdims) for 4-D,
    a Reduce over the spatial axes otherwise."""
    x = node.inputs[0]
    rank = ctx.rank(x)
    if rank == 4:
        cls = L.GlobalAveragePooling2D if node.op == "GlobalAvgPool" else L.GlobalMaxPooling2D
        y = ctx.call(cls(keepdims=True, name=ctx.name(), **ctx.float_kwargs(x)), ctx.get(x, nhwc=True))
        ctx.set(node.outputs[0], y, nhwc=True)
        return
    op = "ReduceMean" if node.op == "GlobalAvgPool" else "ReduceMax"
    y = ctx.call(Reduce(op, range(2, rank), True, name=ctx.name()), ctx.get(x))
    ctx.set(node.outputs[0], y)


@factory(*REDUCE_OPS)
def reduce(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Reductions -> GlobalAveragePooling2D/GlobalMaxPooling2D over H, W of a channels-last
    tensor, else a Reduce layer over the axes as held."""
    x = node.inputs[0]
    rank = ctx.rank(x)
    axes = sorted({ax % rank for ax in a["axes"]}) if a["axes"] else list(range(rank))
    keep = bool(a["keepdims"])
    nhwc = ctx.is_nhwc(x)
    if nhwc and not keep:  # what remains must stay in IR order
        remaining = [p for p in layout.NCHW_TO_NHWC if p not in axes]
        nhwc = remaining == sorted(remaining)
    if nhwc and axes == [2, 3] and node.op in ("ReduceMean", "ReduceMax"):
        cls = L.GlobalAveragePooling2D if node.op == "ReduceMean" else L.GlobalMaxPooling2D
        layer = cls(keepdims=keep, name=ctx.name(), **ctx.float_kwargs(x))
    else:
        layer = Reduce(node.op, layout.axes(axes, rank, nhwc), keep, name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(x, nhwc)), nhwc and keep)
