"""Shape and data-movement ops -> ONNX; attributes the IR keeps static (shapes, slice bounds,
axes, pads, scales) become int64/float initializers, as opset 17 takes them."""
from __future__ import annotations

import numpy as np
from onnx import helper

from frontc.backends.onnx.registry import EmitContext, emitter
from frontc.ir.graph import Node


@emitter("Identity", "Dropout")
def identity(node: Node, ctx: EmitContext) -> None:
    """Identity and inference Dropout -> Identity."""
    ctx.emit("Identity", [node.inputs[0]], [node.outputs[0]])


@emitter("Flatten", "Concat", "DepthToSpace", "SpaceToDepth", "Gather")
def same_name(node: Node, ctx: EmitContext) -> None:
    """An op whose ONNX op has the same inputs and attributes."""
    ctx.emit(node.op, list(node.inputs), list(node.outputs), **ctx.attrs)


@emitter("Transpose")
def transpose(node: Node, ctx: EmitContext) -> None:
    """Transpose -> Transpose (an empty perm reverses the axes in both)."""
    perm = ctx.attrs["perm"]
    ctx.emit("Transpose", [node.inputs[0]], [node.outputs[0]], **({"perm": list(perm)} if perm else {}))


@emitter("Cast")
def cast(node: Node, ctx: EmitContext) -> None:
    """Cast -> Cast(to=the ONNX element type of the numpy dtype name)."""
    to = helper.np_dtype_to_tensor_dtype(np.dtype(ctx.attrs["to"]))
    ctx.emit("Cast", [node.inputs[0]], [node.outputs[0]], to=to)


@emitter("Reshape")
def reshape(node: Node, ctx: EmitContext) -> None:
    """Reshape -> Reshape(X, shape)."""
    shape = ctx.const("shape", ctx.attrs["shape"])
    ctx.emit("Reshape", [node.inputs[0], shape], [node.outputs[0]], allowzero=ctx.attrs["allowzero"])


@emitter("Expand", "Tile")
def with_ints_input(node: Node, ctx: EmitContext) -> None:
    """Expand(shape) and Tile(repeats): the attribute as the second input."""
    key = "shape" if node.op == "Expand" else "repeats"
    ctx.emit(node.op, [node.inputs[0], ctx.const(key, ctx.attrs[key])], [node.outputs[0]])


@emitter("Squeeze", "Unsqueeze")
def squeeze(node: Node, ctx: EmitContext) -> None:
    """Squeeze/Unsqueeze -> the same op with axes as an input (Squeeze: none for every size-1 axis)."""
    axes = ctx.attrs["axes"]
    inputs = [node.inputs[0]] + ([ctx.const("axes", axes)] if axes else [])
    ctx.emit(node.op, inputs, [node.outputs[0]])


@emitter("Slice")
def slice_(node: Node, ctx: EmitContext) -> None:
    """Slice -> Slice(X, starts, ends, axes, steps)."""
    a = ctx.attrs
    inputs = [node.inputs[0], ctx.const("starts", a["starts"]), ctx.const("ends", a["ends"])]
    if a["axes"] or a["steps"]:
        axes = a["axes"] or list(range(len(a["starts"])))
        inputs.append(ctx.const("axes", axes))
        if a["steps"]:
            inputs.append(ctx.const("steps", a["steps"]))
    ctx.emit("Slice", inputs, [node.outputs[0]])


@emitter("Split")
def split(node: Node, ctx: EmitContext) -> None:
    """Split -> Split(X, split) along axis."""
    ctx.emit("Split", [node.inputs[0], ctx.const("split", ctx.attrs["split"])], list(node.outputs),
             axis=ctx.attrs["axis"])


@emitter("Pad")
def pad(node: Node, ctx: EmitContext) -> None:
    """Pad -> Pad(X, pads, constant_value) (negative pads crop in both)."""
    a = ctx.attrs
    inputs = [node.inputs[0], ctx.const("pads", a["pads"])]
    if a["mode"] == "constant":
        inputs.append(ctx.const("value", a["value"], ctx.dtype(node.inputs[0])))
    ctx.emit("Pad", inputs, [node.outputs[0]], mode=a["mode"])


@emitter("Shape")
def shape(node: Node, ctx: EmitContext) -> None:
    """Shape -> Shape(start, end) (opset 15)."""
    rank = len(ctx.graph.spec(node.inputs[0]).shape)
    end = min(ctx.attrs["end"], rank)
    ctx.emit("Shape", [node.inputs[0]], [node.outputs[0]], start=ctx.attrs["start"], end=end)


@emitter("Resize")
def resize(node: Node, ctx: EmitContext) -> None:
    """Resize -> Resize(X, roi="", scales | sizes)."""
    a = ctx.attrs
    if a["sizes"]:
        inputs = [node.inputs[0], "", "", ctx.const("sizes", a["sizes"])]
    else:
        inputs = [node.inputs[0], "", ctx.const("scales", a["scales"], np.float32)]
    ctx.emit("Resize", inputs, [node.outputs[0]], mode=a["mode"],
             coordinate_transformation_mode=a["coordinate_transformation_mode"],
             nearest_mode=a["nearest_mode"])


@emitter("ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum")
def reduce(node: Node, ctx: EmitContext) -> None:
    """Reduce* -> the same op (axes an attribute in opset 17, an input for ReduceSum)."""
    axes = list(ctx.attrs["axes"])
    inputs, attrs = [node.inputs[0]], {"keepdims": ctx.attrs["keepdims"]}
    if axes and node.op == "ReduceSum":
        inputs.append(ctx.const("axes", axes))
    elif axes:
        attrs["axes"] = axes
    ctx.emit(node.op, inputs, [node.outputs[0]], **attrs)
