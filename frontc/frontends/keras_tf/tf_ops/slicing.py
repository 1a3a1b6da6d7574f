"""TF shape arithmetic and slicing: Shape, Size, Rank, Fill, Range, GatherV2 (folded to
constants once the input shapes are fixed), StridedSlice and Slice."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.keras_tf.context import Operand, Value
from frontc.frontends.keras_tf.layout import ir_axis
from frontc.frontends.keras_tf.tf_ops.common import REGISTRY, TFContext, TFNode


def _shape(node: TFNode, ctx: TFContext) -> tuple[int, ...]:
    x = node.inputs[0]
    return ctx.source_shape(x) if isinstance(x, Value) else np.shape(x)


@REGISTRY.register("Shape")
def shape(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Shape -> the (fixed) source shape as a constant."""
    return [np.array(_shape(node, ctx), dtype=node.attr("out_type", np.int32))]


@REGISTRY.register("Size", "Rank")
def size(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Size/Rank -> a constant."""
    dims = _shape(node, ctx)
    value = int(np.prod(dims)) if node.op == "Size" else len(dims)
    return [np.array(value, dtype=node.attr("out_type", np.int32))]


@REGISTRY.register("Fill")
def fill(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Fill of constants -> a constant."""
    return [np.full([int(d) for d in node.const(0)], node.const(1))]


@REGISTRY.register("Range")
def range_(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Range of constants -> a constant."""
    start, limit, delta = (node.const(i) for i in range(3))
    return [np.arange(start, limit, delta).astype(np.result_type(start, limit, delta))]


@REGISTRY.register("GatherV2")
def gather(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF GatherV2 (batch_dims 0) -> a constant, or Gather of the source-ordered tensor."""
    x, indices, axis = node.inputs[0], node.const(1), int(node.const(2))
    if not isinstance(x, Value):
        return [np.take(x, indices, axis=axis)]
    tensor = ctx.plain(x, node.name)
    return [ctx.emit("Gather", [tensor, ctx.param(f"{node.name}_indices", indices.astype(np.int64))],
                     {"axis": axis}, name=node.name, source=node.name)]


def strided_index(node: TFNode) -> tuple[Any, ...]:
    """A StridedSlice node as a numpy index (slices, ints, Ellipsis, newaxis): TF's semantics
    are numpy's basic indexing."""
    begin, end, strides = (node.const(i) for i in (1, 2, 3))
    masks = {m: int(node.attr(f"{m}_mask", 0)) for m in ("begin", "end", "ellipsis", "new_axis",
                                                         "shrink_axis")}
    index: list[Any] = []
    for i in range(len(begin)):
        if masks["ellipsis"] >> i & 1:
            index.append(Ellipsis)
        elif masks["new_axis"] >> i & 1:
            index.append(np.newaxis)
        elif masks["shrink_axis"] >> i & 1:
            index.append(int(begin[i]))
        else:
            index.append(slice(None if masks["begin"] >> i & 1 else int(begin[i]),
                               None if masks["end"] >> i & 1 else int(end[i]), int(strides[i])))
    return tuple(index)


def _slice_value(ctx: TFContext, node: TFNode, x: Value, index: tuple[Any, ...]) -> Operand:
    """Apply a basic index without newaxis to a value: Slice in its layout, then Squeeze."""
    x = ctx.axes_value(x, node.name)
    dims = ctx.source_shape(x)
    used = sum(1 for item in index if item is not Ellipsis)
    if Ellipsis in index:
        at = index.index(Ellipsis)
        index = index[:at] + (slice(None),) * (len(dims) - used) + index[at + 1:]
    index = index + (slice(None),) * (len(dims) - len(index))
    attrs: dict[str, list[int]] = {"starts": [], "ends": [], "axes": [], "steps": []}
    shrink = []
    for axis, (item, dim) in enumerate(zip(index, dims)):
        if isinstance(item, int):
            item, shrink = slice(item % dim, item % dim + 1, 1), shrink + [axis]
        start, stop, step = item.indices(dim)
        if (start, stop, step) == (0, dim, 1):
            continue
        attrs["starts"].append(start)
        attrs["ends"].append(stop if stop >= 0 else -dim - 1)
        attrs["axes"].append(ir_axis(axis, len(dims), x.layout))
        attrs["steps"].append(step)
    out = x
    if attrs["axes"]:
        out = ctx.emit("Slice", [x.tensor], attrs, name=node.name, source=node.name, layout=x.layout)
    if not shrink:
        return out
    squeezed = ctx.emit("Squeeze", [out.tensor], {"axes": [ir_axis(a, len(dims), x.layout) for a in shrink]},
                        name=f"{node.name}_squeeze", source=node.name)
    return ctx.dropped(out, squeezed.tensor, shrink, name=f"{node.name}_order", source=node.name)


@REGISTRY.register("StridedSlice")
def strided_slice(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF StridedSlice -> folded for constants; else Slice (+ Squeeze for shrunk axes,
    Unsqueeze for new ones) on the IR axes."""
    x, index = node.inputs[0], strided_index(node)
    if not isinstance(x, Value):
        return [np.asarray(x[index])]
    if any(item is np.newaxis for item in index):
        kept = tuple(item for item in index if item is not np.newaxis)
        out = _slice_value(ctx, node, x, kept)
        plain = ctx.plain(out, node.name)
        positions = _new_axes(index, len(ctx.source_shape(x)))
        return [ctx.emit("Unsqueeze", [plain], {"axes": positions}, name=f"{node.name}_newaxis",
                         source=node.name)]
    return [_slice_value(ctx, node, x, index)]


def _new_axes(index: tuple[Any, ...], rank: int) -> list[int]:
    """Output positions of the newaxis entries of a basic index over a tensor of ``rank``
    (found by indexing a probe whose every dimension is at least 2)."""
    probe = np.empty(tuple(range(2, rank + 2)), dtype=np.bool_)
    marked = tuple(0 if isinstance(item, int) else slice(None) if isinstance(item, slice) else item
                   for item in index)
    return [i for i, d in enumerate(probe[marked].shape) if d == 1]


@REGISTRY.register("Slice")
def slice_(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Slice(begin, size) -> Slice on the IR axes (size -1: to the end)."""
    x, begin, sizes = node.inputs[0], node.const(1), node.const(2)
    index = tuple(slice(int(b), None if int(s) == -1 else int(b) + int(s)) for b, s in zip(begin, sizes))
    if not isinstance(x, Value):
        return [np.asarray(x[index])]
    return [_slice_value(ctx, node, x, index)]
