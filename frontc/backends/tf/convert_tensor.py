"""Data-movement IR ops as Keras layers: Concat, Split, Slice, Pad, Gather, Expand, Tile, Cast,
Shape, Identity/Dropout, DepthToSpace, SpaceToDepth. Axis attributes of tensors held
channels-last are remapped; the output keeps the input's layout where it can."""
from __future__ import annotations

from typing import Any

import keras

from frontc.backends.tf import layout
from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_math import Cast
from frontc.backends.tf.layers_shape import (
    BroadcastTo,
    DepthToSpace,
    Gather,
    Pad,
    ShapeOf,
    Slice,
    SpaceToDepth,
    Split,
    Tile,
)
from frontc.backends.tf.registry import factory
from frontc.ir.graph import Node
from frontc.ir.ops.tensor import slice_items


def _any_nhwc(ctx: BuildContext, tensors: list[str]) -> bool:
    return any(ctx.is_nhwc(t) for t in tensors)


@factory("Identity", "Dropout")
def identity(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Identity, Dropout (inference) -> no layer: the output is the input."""
    ctx.alias(node.outputs[0], node.inputs[0])


@factory("Cast")
def cast(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Cast -> a Cast layer (any layout)."""
    x = node.inputs[0]
    ctx.set(node.outputs[0], ctx.call(Cast(a["to"], name=ctx.name()), ctx.get(x)), ctx.is_nhwc(x))


@factory("Concat")
def concat(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Concat -> Concatenate on the axis as held (channels-last if any 4-D input is)."""
    rank = ctx.rank(node.inputs[0])
    nhwc = rank == 4 and _any_nhwc(ctx, node.inputs)
    xs = [ctx.get(t, nhwc) for t in node.inputs]
    if len(xs) == 1:
        ctx.alias(node.outputs[0], node.inputs[0])
        return
    layer = keras.layers.Concatenate(axis=layout.axis(a["axis"], rank, nhwc), name=ctx.name(),
                                     **ctx.float_kwargs(node.outputs[0]))
    ctx.set(node.outputs[0], ctx.call(layer, xs), nhwc)


@factory("Split")
def split(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Split -> a Split layer on the axis as held; every piece keeps the layout."""
    x = node.inputs[0]
    nhwc = ctx.is_nhwc(x)
    layer = Split(layout.axis(a["axis"], ctx.rank(x), nhwc), a["split"], name=ctx.name())
    pieces = ctx.call(layer, ctx.get(x))
    for tensor, piece in zip(node.outputs, pieces):
        ctx.set(tensor, piece, nhwc)


@factory("Slice")
def slice_(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Slice -> a Slice layer with concrete (start, stop, step) per axis as held."""
    x = node.inputs[0]
    shape, nhwc = ctx.shape(x), ctx.is_nhwc(x)
    logical: list[list[int | None]] = [[None, None, None] for _ in shape]
    for ax, start, end, step in slice_items(a, len(shape)):
        picked = range(*slice(start, end, step).indices(shape[ax]))
        stop = picked.stop if picked.stop >= 0 else None  # a negative stop would wrap around
        logical[ax] = [picked.start, stop, picked.step] if picked else [0, 0, 1]
    layer = Slice(layout.per_axis(logical, nhwc), name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(x)), nhwc)


@factory("Pad")
def pad(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Pad -> ZeroPadding2D for zero pads of H, W held channels-last, else a Pad layer."""
    x = node.inputs[0]
    rank, nhwc = ctx.rank(x), ctx.is_nhwc(x)
    pads = a["pads"]
    begins, ends = layout.per_axis(pads[:rank], nhwc), layout.per_axis(pads[rank:], nhwc)
    zero = a["mode"] == "constant" and a["value"] == 0 and min(pads) >= 0
    if nhwc and zero and not any(begins[i] or ends[i] for i in (0, 3)):
        layer = keras.layers.ZeroPadding2D(((begins[1], ends[1]), (begins[2], ends[2])),
                                           name=ctx.name(), **ctx.float_kwargs(x))
    else:
        layer = Pad(begins + ends, a["mode"], a["value"], name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(x)), nhwc)


@factory("Gather")
def gather(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Gather -> a Gather layer (holding constant indices as a weight); a 4-D input held
    channels-last stays so when the indices are 1-d."""
    x, index = node.inputs
    rank = ctx.rank(x)
    constant = ctx.param(index)
    nhwc = ctx.is_nhwc(x) and len(ctx.shape(index)) == 1
    axis = layout.axis(a["axis"], rank, nhwc)
    if constant is None:
        y = ctx.call(Gather(axis, name=ctx.name()), [ctx.get(x, nhwc), ctx.get(index)])
    else:
        layer = Gather(axis, value_shape=constant.shape, value_dtype=str(constant.dtype), name=ctx.name())
        y = ctx.call(layer, ctx.get(x, nhwc), [constant])
        ctx.bind(index, layer, 0, lambda w: w)
    ctx.set(node.outputs[0], y, nhwc)


@factory("Shape")
def shape_(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Shape -> a ShapeOf layer giving the (static) IR shape as int64."""
    x = node.inputs[0]
    values = list(ctx.shape(x))[a["start"]:a["end"]]
    ctx.set(node.outputs[0], ctx.call(ShapeOf(values, name=ctx.name()), ctx.get(x)))


@factory("Expand")
def expand(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Expand -> a BroadcastTo layer to the output shape as held."""
    x, out = node.inputs[0], node.outputs[0]
    nhwc = ctx.is_nhwc(x) and ctx.rank(out) == 4
    layer = BroadcastTo(layout.shape(ctx.shape(out), nhwc), name=ctx.name())
    ctx.set(out, ctx.call(layer, ctx.get(x, nhwc)), nhwc)


@factory("Tile")
def tile(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Tile -> a Tile layer with the repeats as held."""
    x = node.inputs[0]
    nhwc = ctx.is_nhwc(x)
    layer = Tile(layout.per_axis(a["repeats"], nhwc), name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(x)), nhwc)


@factory("DepthToSpace")
def depth_to_space(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """DepthToSpace -> TF's depth_to_space (DCR) or a reshape-transpose (CRD), channels-last."""
    layer = DepthToSpace(a["blocksize"], a["mode"], name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(node.inputs[0], nhwc=True)), nhwc=True)


@factory("SpaceToDepth")
def space_to_depth(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """SpaceToDepth -> TF's space_to_depth, channels-last."""
    layer = SpaceToDepth(a["blocksize"], name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(node.inputs[0], nhwc=True)), nhwc=True)
