"""TF ops that declare or move data: Placeholder, Const, Identity*, Reshape, Squeeze,
ExpandDims, ConcatV2, Pack, Pad/PadV2/MirrorPad, Transpose, Tile."""
from __future__ import annotations

import numpy as np

from frontc.frontends.keras_tf.context import Operand, Value
from frontc.frontends.keras_tf.graph_io import declare_input, resolve_shape
from frontc.frontends.keras_tf.layout import NCHW, flat, ir_axis, source_axes
from frontc.frontends.keras_tf.tf_ops.common import REGISTRY, TFContext, TFNode, variant
from frontc.frontends.keras_tf.tf_ops.repeat import Expanded, Repeated

IDENTITIES = ("Identity", "IdentityN", "StopGradient", "Snapshot", "PreventGradient", "EnsureShape",
              "PlaceholderWithDefault")


@REGISTRY.register("Placeholder")
def placeholder(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Placeholder -> a graph input (4-D ones declared NCHW)."""
    declared = node.attr("shape")
    if declared is not None:
        declared = [None if d < 0 else d for d in declared]
    shape = resolve_shape(node.name, declared, ctx.input_shapes)
    return [declare_input(ctx, node.name, shape, str(np.dtype(node.attr("dtype"))))]


@REGISTRY.register("Const")
def const(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Const -> a numpy constant (a param once an op reads it)."""
    return [node.attr("value")]


@REGISTRY.register(*IDENTITIES)
def identity(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Identity/IdentityN/StopGradient/... -> its inputs, no node."""
    return list(node.inputs)


@REGISTRY.register("Reshape")
def reshape(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Reshape -> nothing when the shape stays, Flatten (CHW order, marked flat) for
    (N, -1) of an NCHW image, a nearest Resize when it ends a tf.repeat of H or W, else
    Reshape of the source-ordered tensor."""
    x, shape = node.inputs[0], node.const(1)
    if isinstance(x, np.ndarray):
        return [x.reshape(shape)]
    if isinstance(x, Repeated):
        tiled = list(ctx.source_shape(x.expanded.value))
        tiled.insert(x.expanded.axis, x.count)
        target = [int(d) for d in np.empty(tiled, dtype=np.bool_).reshape(shape).shape]
        resized = x.resize(ctx, target, name=node.name)
        if resized is not None:
            return [resized]
        x = ctx.materialize(x)
    src = ctx.source_shape(x)
    target = [int(d) for d in np.empty(src, dtype=np.bool_).reshape(shape).shape]
    if tuple(target) == src:
        return [x]
    if x.layout == NCHW and len(target) == 2 and target[0] == src[0]:
        return [ctx.emit("Flatten", [x.tensor], {"axis": 1}, name=node.name, source=node.name,
                         layout=flat(*src[1:]))]
    return [ctx.emit("Reshape", [ctx.plain(x, node.name)], {"shape": target}, name=node.name,
                     source=node.name)]


@REGISTRY.register("Squeeze")
def squeeze(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Squeeze -> Squeeze of the IR axes, back in source axis order."""
    x = node.inputs[0]
    dims = node.attr("squeeze_dims", [])
    if not isinstance(x, Value):
        return [np.squeeze(x, axis=tuple(dims) or None)]
    x = ctx.axes_value(x, node.name)
    src = ctx.source_shape(x)
    axes = [a % len(src) for a in dims] or [i for i, d in enumerate(src) if d == 1]
    ir_axes = [ir_axis(a, len(src), x.layout) for a in axes]
    out = ctx.emit("Squeeze", [x.tensor], {"axes": ir_axes}, name=node.name, source=node.name)
    return [ctx.dropped(x, out.tensor, axes, name=f"{node.name}_order", source=node.name)]


@REGISTRY.register("ExpandDims")
def expand_dims(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF ExpandDims -> Unsqueeze of the source-ordered tensor (pending for an NCHW image:
    it may start a tf.repeat)."""
    x, dim = node.inputs[0], int(node.const(1))
    if not isinstance(x, Value):
        return [np.expand_dims(x, dim)]
    rank = len(ctx.source_shape(x)) + 1
    if x.layout == NCHW:
        return [Expanded(node.name, x, dim % rank)]
    return [ctx.emit("Unsqueeze", [ctx.plain(x, node.name)], {"axes": [dim % rank]}, name=node.name,
                     source=node.name)]


@REGISTRY.register("ConcatV2")
def concat(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF ConcatV2 -> Concat on the IR axis holding the source axis."""
    parts, axis = node.inputs[:-1], int(node.const(len(node.inputs) - 1))
    if node.folded:
        return [np.concatenate(parts, axis=axis)]
    tensors, layout = ctx.operands(parts, node.name, allow_flat=False)
    rank = max(len(ctx.source_shape(v)) for v in parts if isinstance(v, Value))
    return [ctx.emit("Concat", tensors, {"axis": ir_axis(axis, rank, layout)}, name=node.name,
                     source=node.name, layout=layout)]


@REGISTRY.register("Pack")
def pack(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Pack (stack) -> Unsqueeze each input, then Concat (folded for constants)."""
    axis = int(node.attr("axis", 0))
    if node.folded:
        return [np.stack(node.inputs, axis=axis)]
    rank = max(len(ctx.source_shape(v)) for v in node.inputs if isinstance(v, Value)) + 1
    parts = []
    for v in node.inputs:
        if isinstance(v, Value):
            parts.append(ctx.emit("Unsqueeze", [ctx.plain(v, node.name)], {"axes": [axis % rank]},
                                  name=f"{node.name}_part", source=node.name).tensor)
        else:
            parts.append(ctx.param(f"{node.name}_const", np.expand_dims(v, axis % rank)))
    return [ctx.emit("Concat", parts, {"axis": axis % rank}, name=node.name, source=node.name)]


@variant("MirrorPad")
def _mirror_variant(node: TFNode) -> str | None:
    return None if node.attr("mode") == "REFLECT" else node.attr("mode")


@REGISTRY.register("Pad", "PadV2", "MirrorPad")
def pad(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Pad/PadV2/MirrorPad(REFLECT) -> Pad with the paddings moved to the IR axes."""
    x, paddings = node.inputs[0], node.const(1).astype(np.int64)
    value = float(node.const(2)) if node.op == "PadV2" else 0.0
    mode = "reflect" if node.op == "MirrorPad" else "constant"
    if not isinstance(x, Value):
        return [np.pad(x, paddings, mode=mode, **({"constant_values": value} if mode == "constant" else {}))]
    x = ctx.axes_value(x, node.name)
    order = source_axes(x.layout, len(paddings))
    pads = [int(paddings[a][0]) for a in order] + [int(paddings[a][1]) for a in order]
    return [ctx.emit("Pad", [x.tensor], {"pads": pads, "mode": mode, "value": value}, name=node.name,
                     source=node.name, layout=x.layout)]


@REGISTRY.register("Transpose")
def transpose(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Transpose -> one Transpose (composed with NCHW -> NHWC for an NCHW input)."""
    x, perm = node.inputs[0], [int(p) for p in node.const(1)]
    if not isinstance(x, Value):
        return [np.transpose(x, perm)]
    return [ctx.transpose_source(x, perm, name=node.name, source=node.name)]


@REGISTRY.register("Tile")
def tile(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Tile -> Tile with the multiples moved to the IR axes."""
    x, multiples = node.inputs[0], [int(m) for m in node.const(1)]
    if isinstance(x, np.ndarray):
        return [np.tile(x, multiples)]
    if isinstance(x, Expanded):
        repeated = x.repeats(multiples)
        if repeated is not None:
            return [repeated]
        x = ctx.materialize(x)
    x = ctx.axes_value(x, node.name)
    repeats = [multiples[a] for a in source_axes(x.layout, len(multiples))]
    return [ctx.emit("Tile", [x.tensor], {"repeats": repeats}, name=node.name, source=node.name,
                     layout=x.layout)]

