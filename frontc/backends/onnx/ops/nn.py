"""Conv, ConvTranspose, Dense, Gemm, MatMul, BatchNorm, pooling and LRN -> ONNX; a fused residual
becomes an Add and a fused activation its own node after the layer."""
from __future__ import annotations

from frontc.backends.onnx.ops.elementwise import fused
from frontc.backends.onnx.registry import EmitContext, emitter
from frontc.ir.graph import Node


def _present(node: Node, n: int) -> list[str]:
    """The first ``n`` inputs, trailing empty ones dropped."""
    inputs = list(node.inputs[:n])
    while inputs and not inputs[-1]:
        inputs.pop()
    return inputs


def _window(attrs: dict, *names: str) -> dict:
    """The non-empty window attributes among ``names`` (ONNX defaults stand for empty ones)."""
    return {k: list(attrs[k]) if isinstance(attrs[k], (list, tuple)) else attrs[k]
            for k in names if attrs.get(k) not in ((), [], None)}


def _finish(node: Node, ctx: EmitContext, y: str, residual: str = "") -> None:
    """Add ``residual`` and apply the fused activation after ``y``, ending in the node's output."""
    act = ctx.attrs.get("activation", "")
    if residual:
        y = ctx.emit("Add", [y, residual], None if act else [node.outputs[0]])
    if act:
        fused(ctx, y, node.outputs[0])


def _layer_output(node: Node, ctx: EmitContext) -> list[str]:
    """The output of the layer op itself: the node's output unless a residual/activation follows."""
    if ctx.attrs.get("activation") or (len(node.inputs) > 3 and node.inputs[3]):
        return [ctx.fresh("preact")]
    return [node.outputs[0]]


@emitter("Conv")
def conv(node: Node, ctx: EmitContext) -> None:
    """Conv (+ residual Add, + activation) -> Conv [-> Add] [-> activation]."""
    attrs = _window(ctx.attrs, "strides", "pads", "dilations", "kernel_shape")
    y = ctx.emit("Conv", _present(node, 3), _layer_output(node, ctx), group=ctx.attrs["group"], **attrs)
    _finish(node, ctx, y, node.inputs[3] if len(node.inputs) > 3 else "")


@emitter("ConvInteger")
def conv_integer(node: Node, ctx: EmitContext) -> None:
    """ConvInteger -> ConvInteger (dynamic quantization)."""
    attrs = _window(ctx.attrs, "strides", "pads", "dilations", "kernel_shape")
    ctx.emit("ConvInteger", list(node.inputs), list(node.outputs), group=ctx.attrs["group"], **attrs)


@emitter("ConvTranspose")
def conv_transpose(node: Node, ctx: EmitContext) -> None:
    """ConvTranspose (+ activation) -> ConvTranspose [-> activation]."""
    attrs = _window(ctx.attrs, "strides", "pads", "dilations", "kernel_shape", "output_padding")
    y = ctx.emit("ConvTranspose", _present(node, 3), _layer_output(node, ctx), group=ctx.attrs["group"],
                 **attrs)
    _finish(node, ctx, y)


@emitter("Dense")
def dense(node: Node, ctx: EmitContext) -> None:
    """Dense -> Gemm(transB=1) on 2-d inputs; MatMul with the transposed weight [+ Add] otherwise."""
    x, w = node.inputs[0], node.inputs[1]
    b = node.inputs[2] if len(node.inputs) > 2 else ""
    out = _layer_output(node, ctx)
    if len(ctx.graph.spec(x).shape) == 2:
        y = ctx.emit("Gemm", [x, w] + ([b] if b else []), out, transB=1)
    else:
        if w in ctx.graph.params:
            wt = ctx.const("weight_T", ctx.graph.params[w].T, ctx.dtype(w))
        else:
            wt = ctx.emit("Transpose", [w], perm=[1, 0])
        y = ctx.emit("MatMul", [x, wt], out if not b else None)
        if b:
            y = ctx.emit("Add", [y, b], out)
    _finish(node, ctx, y)


@emitter("Gemm", "MatMul", "LRN")
def same_name(node: Node, ctx: EmitContext) -> None:
    """Gemm, MatMul and LRN: the ONNX op of the same name and attributes."""
    ctx.emit(node.op, _present(node, len(node.inputs)), list(node.outputs), **ctx.attrs)


@emitter("BatchNorm")
def batchnorm(node: Node, ctx: EmitContext) -> None:
    """BatchNorm -> BatchNormalization (inference)."""
    ctx.emit("BatchNormalization", list(node.inputs), list(node.outputs), epsilon=ctx.attrs["epsilon"])


@emitter("MaxPool")
def max_pool(node: Node, ctx: EmitContext) -> None:
    """MaxPool -> MaxPool."""
    attrs = _window(ctx.attrs, "kernel_shape", "strides", "pads", "dilations")
    ctx.emit("MaxPool", [node.inputs[0]], [node.outputs[0]], ceil_mode=ctx.attrs["ceil_mode"], **attrs)


@emitter("AvgPool")
def avg_pool(node: Node, ctx: EmitContext) -> None:
    """AvgPool -> AveragePool."""
    attrs = _window(ctx.attrs, "kernel_shape", "strides", "pads")
    ctx.emit("AveragePool", [node.inputs[0]], [node.outputs[0]], ceil_mode=ctx.attrs["ceil_mode"],
             count_include_pad=ctx.attrs["count_include_pad"], **attrs)


@emitter("GlobalAvgPool", "GlobalMaxPool")
def global_pool(node: Node, ctx: EmitContext) -> None:
    """GlobalAvgPool -> GlobalAveragePool, GlobalMaxPool -> GlobalMaxPool."""
    op = "GlobalAveragePool" if node.op == "GlobalAvgPool" else "GlobalMaxPool"
    ctx.emit(op, [node.inputs[0]], [node.outputs[0]])


