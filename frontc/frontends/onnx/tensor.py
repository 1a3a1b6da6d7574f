"""ONNX data movement: concat/split/slice, reshapes, transpose, (un)squeeze, pad, gather,
expand, tile, cast, identity, dropout and the depth/space shuffles."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.frontends.onnx.loader import numpy_dtype
from frontc.ir.errors import UnsupportedOpError


@REGISTRY.register("Identity", since=1)
def identity(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Identity."""
    return ctx.emit(node, "Identity", [ctx.x(node, 0)])


@REGISTRY.register("Dropout", since=1)
def dropout(node: OnnxNode, ctx: Context) -> list[Any]:
    """ONNX Dropout at inference: the identity; the optional mask is all true. Training mode
    (a true ``training_mode`` input, opset 12) is refused: it draws random masks."""
    x = ctx.x(node, 0)
    if node.has_input(2):
        training = ctx.const(node, 2)
        if training is None or bool(training):
            raise UnsupportedOpError("Dropout in training mode (random masks) is not supported", node=node.name,
                                     hint="export the model in eval mode")
    mask = [np.ones(ctx.shape(x), dtype=bool)] if len(node.outputs) > 1 and node.outputs[1] else []
    return [ctx.emit(node, "Dropout", [x]), *mask]


@REGISTRY.register("Cast", since=1)
def cast(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Cast (``to`` as a numpy dtype name; bfloat16, float8/4, int4 and strings refused)."""
    if node.attr("saturate", 1) != 1:
        raise UnsupportedOpError("Cast with saturate=0 is not supported", node=node.name)
    to = numpy_dtype(node.attrs["to"], "Cast's target", node.name)
    return ctx.emit(node, "Cast", [ctx.x(node, 0)], {"to": to})


@REGISTRY.register("CastLike", since=15)
def cast_like(node: OnnxNode, ctx: Context) -> Value:
    """ONNX CastLike: Cast to the dtype of the second input."""
    if node.attr("saturate", 1) != 1:
        raise UnsupportedOpError("CastLike with saturate=0 is not supported", node=node.name)
    return ctx.emit(node, "Cast", [ctx.x(node, 0)], {"to": ctx.dtype(ctx.x(node, 1))})


@REGISTRY.register("Concat", since=1)
def concat(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Concat."""
    return ctx.emit(node, "Concat", [ctx.x(node, i) for i in range(len(node.inputs))],
                    {"axis": node.attrs["axis"]})


def split(node: OnnxNode, ctx: Context, sizes: list[int] | None) -> list[Value]:
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    axis = node.attr("axis", 0) % len(shape)
    if not sizes:
        count = node.attr("num_outputs", len(node.outputs))
        chunk = -(-shape[axis] // count)
        sizes = [chunk] * (count - 1) + [shape[axis] - chunk * (count - 1)]
    parts = ctx.emit(node, "Split", [x], {"axis": axis, "split": sizes}, outputs=len(sizes))
    return parts if isinstance(parts, list) else [parts]


@REGISTRY.register("Split", since=1)
def split_attr(node: OnnxNode, ctx: Context) -> list[Value]:
    """ONNX Split before opset 13: sizes in the ``split`` attribute (equal parts when absent)."""
    return split(node, ctx, node.attr("split"))


@REGISTRY.register("Split", since=13)
def split_input(node: OnnxNode, ctx: Context) -> list[Value]:
    """ONNX Split from opset 13: sizes as a constant input (or ``num_outputs``, opset 18)."""
    return split(node, ctx, ctx.ints(node, 1, "split"))


def slice_(node: OnnxNode, ctx: Context, starts: list[int], ends: list[int],
           axes: list[int] | None, steps: list[int] | None) -> Value:
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    axes = [a % len(shape) for a in (axes or range(len(starts)))]
    # clamp INT64_MAX-style bounds to the axis (Python slice semantics are unchanged)
    clamp = [(max(-d - 1, min(d, s)), max(-d - 1, min(d, e)))
             for s, e, d in zip(starts, ends, (shape[a] for a in axes))]
    attrs = {"starts": [c[0] for c in clamp], "ends": [c[1] for c in clamp], "axes": axes,
             "steps": list(steps or [1] * len(axes))}
    return ctx.emit(node, "Slice", [x], attrs)


@REGISTRY.register("Slice", since=1)
def slice_attr(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Slice before opset 10: starts, ends, axes are attributes."""
    return slice_(node, ctx, node.attrs["starts"], node.attrs["ends"], node.attr("axes"), None)


@REGISTRY.register("Slice", since=10)
def slice_input(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Slice from opset 10: starts, ends, axes, steps are constant inputs."""
    return slice_(node, ctx, ctx.ints(node, 1, "starts"), ctx.ints(node, 2, "ends"),
                  ctx.ints(node, 3, "axes"), ctx.ints(node, 4, "steps"))


@REGISTRY.register("Reshape", since=5)
def reshape(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Reshape (shape as a constant input; 0 copies a dim unless allowzero)."""
    attrs = {"shape": ctx.ints(node, 1, "shape"), "allowzero": node.attr("allowzero", 0)}
    return ctx.emit(node, "Reshape", [ctx.x(node, 0)], attrs)


@REGISTRY.register("Flatten", since=1)
def flatten(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Flatten to 2-d at ``axis``."""
    return ctx.emit(node, "Flatten", [ctx.x(node, 0)], {"axis": node.attr("axis", 1)})


@REGISTRY.register("Transpose", since=1)
def transpose(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Transpose (reverses the axes when perm is absent)."""
    x = ctx.x(node, 0)
    perm = node.attr("perm") or list(range(len(ctx.shape(x))))[::-1]
    return ctx.emit(node, "Transpose", [x], {"perm": list(perm)})


@REGISTRY.register("Squeeze", since=1)
def squeeze_attr(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Squeeze before opset 13: ``axes`` attribute (every size-1 axis when absent)."""
    return ctx.emit(node, "Squeeze", [ctx.x(node, 0)], {"axes": list(node.attr("axes", []))})


@REGISTRY.register("Squeeze", since=13)
def squeeze_input(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Squeeze from opset 13: ``axes`` as an optional constant input."""
    return ctx.emit(node, "Squeeze", [ctx.x(node, 0)], {"axes": ctx.ints(node, 1, "axes") or []})


@REGISTRY.register("Unsqueeze", since=1)
def unsqueeze_attr(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Unsqueeze before opset 13: ``axes`` attribute."""
    return ctx.emit(node, "Unsqueeze", [ctx.x(node, 0)], {"axes": list(node.attrs["axes"])})


@REGISTRY.register("Unsqueeze", since=13)
def unsqueeze_input(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Unsqueeze from opset 13: ``axes`` as a constant input."""
    return ctx.emit(node, "Unsqueeze", [ctx.x(node, 0)], {"axes": ctx.ints(node, 1, "axes")})


def pad(node: OnnxNode, ctx: Context, pads: list[int], value: float, axes: list[int] | None) -> Value:
    x = ctx.x(node, 0)
    rank = len(ctx.shape(x))
    mode = node.attr("mode", "constant")
    if mode not in ("constant", "reflect", "edge"):
        raise UnsupportedOpError(f"Pad mode '{mode}' is not supported", node=node.name)
    if axes is not None:
        full = [0] * 2 * rank
        for k, axis in enumerate(a % rank for a in axes):
            full[axis], full[rank + axis] = pads[k], pads[len(axes) + k]
        pads = full
    return ctx.emit(node, "Pad", [x], {"pads": pads, "mode": mode, "value": float(value)})


@REGISTRY.register("Pad", since=1)
def pad_attr(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Pad before opset 11: ``pads`` and ``value`` attributes."""
    return pad(node, ctx, list(node.attrs["pads"]), node.attr("value", 0.0), None)


@REGISTRY.register("Pad", since=11)
def pad_input(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Pad from opset 11: pads, constant_value and (opset 18) axes as constant inputs."""
    value = ctx.need_const(node, 2, "constant_value")
    return pad(node, ctx, ctx.ints(node, 1, "pads"), 0.0 if value is None else float(value),
               ctx.ints(node, 3, "axes"))


@REGISTRY.register("Gather", since=1)
def gather(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Gather (constant negative indices are made positive)."""
    x, indices = ctx.x(node, 0), ctx.x(node, 1)
    axis = node.attr("axis", 0) % len(ctx.shape(x))
    known = ctx.const(node, 1)
    if known is not None and (known < 0).any():
        indices = np.where(known < 0, known + ctx.shape(x)[axis], known)
        indices = ctx.constant(indices, f"{node.name}/indices")
    return ctx.emit(node, "Gather", [x, indices], {"axis": axis})


@REGISTRY.register("Expand", since=8)
def expand(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Expand (shape as a constant input)."""
    return ctx.emit(node, "Expand", [ctx.x(node, 0)], {"shape": ctx.ints(node, 1, "shape")})


@REGISTRY.register("Tile", since=6)
def tile(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Tile (repeats as a constant input)."""
    return ctx.emit(node, "Tile", [ctx.x(node, 0)], {"repeats": ctx.ints(node, 1, "repeats")})


@REGISTRY.register("DepthToSpace", since=1)
def depth_to_space(node: OnnxNode, ctx: Context) -> Value:
    """ONNX DepthToSpace (DCR or CRD)."""
    attrs = {"blocksize": node.attrs["blocksize"], "mode": node.attr("mode", "DCR")}
    return ctx.emit(node, "DepthToSpace", [ctx.x(node, 0)], attrs)


@REGISTRY.register("SpaceToDepth", since=1)
def space_to_depth(node: OnnxNode, ctx: Context) -> Value:
    """ONNX SpaceToDepth."""
    return ctx.emit(node, "SpaceToDepth", [ctx.x(node, 0)], {"blocksize": node.attrs["blocksize"]})


@REGISTRY.register("GatherElements", since=11)
def gather_elements(node: OnnxNode, ctx: Context) -> Value:
    """ONNX GatherElements."""
    return ctx.emit(node, "GatherElements", [ctx.x(node, 0), ctx.x(node, 1)], {"axis": node.attr("axis", 0)})


@REGISTRY.register("GatherND", since=11)
def gather_nd(node: OnnxNode, ctx: Context) -> Value:
    """ONNX GatherND (batch_dims from opset 12)."""
    return ctx.emit(node, "GatherND", [ctx.x(node, 0), ctx.x(node, 1)], {"batch_dims": node.attr("batch_dims", 0)})


@REGISTRY.register("ScatterND", since=11)
def scatter_nd(node: OnnxNode, ctx: Context) -> Value:
    """ONNX ScatterND (reduction from opset 16)."""
    return ctx.emit(node, "ScatterND", [ctx.x(node, i) for i in range(3)],
                    {"reduction": node.attr("reduction", "none")})


@REGISTRY.register("Scatter", since=9)
@REGISTRY.register("ScatterElements", since=11)
def scatter_elements(node: OnnxNode, ctx: Context) -> Value:
    """ONNX ScatterElements (reduction from opset 16) and Scatter (its name in opsets 9-10)."""
    return ctx.emit(node, "ScatterElements", [ctx.x(node, i) for i in range(3)],
                    {"axis": node.attr("axis", 0), "reduction": node.attr("reduction", "none")})
