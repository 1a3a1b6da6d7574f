"""Elementwise arithmetic, unary math and activations -> their ONNX ops (Relu6 as Clip, Swish as
x * Sigmoid(alpha x))."""
from __future__ import annotations

from collections.abc import Sequence

from frontc.backends.onnx.registry import EmitContext, emitter
from frontc.ir.graph import Node
from frontc.ir.ops.elementwise import ACTIVATION_OPS, BINARY_OPS, UNARY_OPS

SAME_NAME = (*BINARY_OPS, *UNARY_OPS, "Relu", "Sigmoid", "Tanh", "HardSwish", "LeakyRelu", "Elu",
             "HardSigmoid", "PRelu")


@emitter(*SAME_NAME)
def same_name(node: Node, ctx: EmitContext) -> None:
    """An IR op whose ONNX op has the same name, inputs and attributes."""
    ctx.emit(node.op, list(node.inputs), list(node.outputs), **ctx.attrs)


def activation(ctx: EmitContext, name: str, params: dict[str, float], x: str, out: str | None) -> str:
    """Emit activation ``name`` of ``x`` (writing ``out`` when given); returns its output."""
    dtype = ctx.dtype(ctx.node.outputs[0])
    if name in ("Relu6", "Clip"):
        lo, hi = (0.0, 6.0) if name == "Relu6" else (params["min"], params["max"])
        return ctx.emit("Clip", [x, ctx.const("min", lo, dtype), ctx.const("max", hi, dtype)],
                        [out] if out else None)
    if name == "Swish":
        scaled = x
        if params["alpha"] != 1.0:
            scaled = ctx.emit("Mul", [x, ctx.const("alpha", params["alpha"], dtype)])
        return ctx.emit("Mul", [x, ctx.emit("Sigmoid", [scaled])], [out] if out else None)
    return ctx.emit(name, [x], [out] if out else None, **params)


@emitter("Relu6", "Clip", "Swish")
def rewritten_activation(node: Node, ctx: EmitContext) -> None:
    """Relu6 -> Clip(0, 6); Clip's bounds as inputs; Swish -> x * Sigmoid(alpha * x)."""
    activation(ctx, node.op, ctx.attrs, node.inputs[0], node.outputs[0])


def fused(ctx: EmitContext, x: str, out: str) -> None:
    """The activation a Conv/ConvTranspose/Dense carries in its attributes, written to ``out``."""
    name = ctx.attrs["activation"]
    specs = ACTIVATION_OPS.get(name)
    if specs is None:
        raise ctx.unsupported(f"unknown fused activation '{name}'")
    params = {k: spec.default for k, spec in specs.items()}
    params.update(zip(specs, _floats(ctx.attrs["activation_params"])))
    activation(ctx, name, params, x, out)


def _floats(values: Sequence[float]) -> list[float]:
    return [float(v) for v in values]


@emitter("Softmax")
def softmax(node: Node, ctx: EmitContext) -> None:
    """Softmax -> Softmax (opset 13 semantics: along one axis)."""
    ctx.emit("Softmax", [node.inputs[0]], [node.outputs[0]], axis=ctx.attrs["axis"])

