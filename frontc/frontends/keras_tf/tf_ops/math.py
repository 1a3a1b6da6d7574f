"""TF elementwise ops: arithmetic with broadcasting, unary math, activations, Softmax, Cast.

With constant inputs they fold to numpy (float32 stays float32, as in TF)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from frontc.frontends.keras_tf.context import Operand, Value
from frontc.frontends.keras_tf.layout import ir_axis
from frontc.frontends.keras_tf.tf_ops.common import REGISTRY, TFContext, TFNode


def _div(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """TF Div: true division of floats, C-style (truncating) division of integers."""
    if np.issubdtype(np.result_type(x, y), np.integer):
        return np.trunc(np.true_divide(x, y))
    return np.divide(x, y)


# TF op -> (IR op, numpy function)
BINARY: dict[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "Add": ("Add", np.add), "AddV2": ("Add", np.add), "Sub": ("Sub", np.subtract),
    "Mul": ("Mul", np.multiply), "RealDiv": ("Div", np.divide), "Div": ("Div", _div),
    "Maximum": ("Max", np.maximum), "Minimum": ("Min", np.minimum), "Pow": ("Pow", np.power),
}
FOLD_ONLY_BINARY = {"FloorDiv": np.floor_divide, "FloorMod": np.mod}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


# TF op -> (IR op, IR attrs from the node, numpy function)
UNARY: dict[str, tuple[str, Callable[[TFNode], dict], Callable[[np.ndarray], np.ndarray]]] = {
    "Relu": ("Relu", lambda n: {}, lambda x: np.maximum(x, 0)),
    "Relu6": ("Relu6", lambda n: {}, lambda x: np.clip(x, 0, 6)),
    "Sigmoid": ("Sigmoid", lambda n: {}, _sigmoid),
    "Tanh": ("Tanh", lambda n: {}, np.tanh),
    "Elu": ("Elu", lambda n: {"alpha": 1.0}, lambda x: np.where(x > 0, x, np.expm1(x))),
    "LeakyRelu": ("LeakyRelu", lambda n: {"alpha": float(n.attr("alpha", 0.2))}, None),
    "Exp": ("Exp", lambda n: {}, np.exp),
    "Log": ("Log", lambda n: {}, np.log),
    "Neg": ("Neg", lambda n: {}, np.negative),
    "Abs": ("Abs", lambda n: {}, np.abs),
    "Sqrt": ("Sqrt", lambda n: {}, np.sqrt),
    "Reciprocal": ("Reciprocal", lambda n: {}, np.reciprocal),
    "Inv": ("Reciprocal", lambda n: {}, np.reciprocal),
    "Floor": ("Floor", lambda n: {}, np.floor),
    "Ceil": ("Ceil", lambda n: {}, np.ceil),
}


def _fold(fn: Callable[..., np.ndarray], node: TFNode) -> np.ndarray:
    """``fn`` of the constant inputs, in their dtype (as TF computes it)."""
    return np.asarray(fn(*node.inputs)).astype(np.result_type(*node.inputs), copy=False)


@REGISTRY.register(*BINARY)
def binary(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Add/AddV2/Sub/Mul/RealDiv/Div/Maximum/Minimum/Pow -> the IR op, operands in one layout."""
    op, fn = BINARY[node.op]
    if node.folded:
        return [_fold(fn, node)]
    tensors, layout = ctx.operands(node.inputs, node.name)
    return [ctx.emit(op, tensors, name=node.name, source=node.name, layout=layout)]


@REGISTRY.register(*FOLD_ONLY_BINARY)
def fold_only_binary(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF FloorDiv/FloorMod on constants (shape arithmetic) -> folded."""
    for i in range(2):
        node.const(i)
    return [_fold(FOLD_ONLY_BINARY[node.op], node)]


@REGISTRY.register("SquaredDifference")
def squared_difference(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF SquaredDifference -> Sub, then Mul by itself."""
    if node.folded:
        return [_fold(lambda x, y: np.square(x - y), node)]
    tensors, layout = ctx.operands(node.inputs, node.name)
    diff = ctx.emit("Sub", tensors, name=node.name, source=node.name).tensor
    return [ctx.emit("Mul", [diff, diff], name=node.name, source=node.name, layout=layout)]


@REGISTRY.register(*UNARY)
def unary(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Relu/Relu6/Sigmoid/Tanh/Elu/LeakyRelu/Exp/Log/Neg/Abs/Sqrt/Reciprocal/Floor/Ceil
    -> the IR op, layout kept."""
    op, attrs, fn = UNARY[node.op]
    x = node.inputs[0]
    if not isinstance(x, Value):
        if fn is None:
            alpha = attrs(node)["alpha"]
            return [np.where(x >= 0, x, x * np.asarray(alpha, x.dtype))]
        return [_fold(fn, node)]
    return [ctx.emit(op, [x.tensor], attrs(node), name=node.name, source=node.name, layout=x.layout)]


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


@REGISTRY.register("Selu")
def selu(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Selu -> Elu(alpha) times scale."""
    x = node.inputs[0]
    if not isinstance(x, Value):
        return [_fold(lambda v: SELU_SCALE * np.where(v > 0, v, SELU_ALPHA * np.expm1(v)), node)]
    elu = ctx.emit("Elu", [x.tensor], {"alpha": SELU_ALPHA}, name=node.name, source=node.name)
    scale = ctx.param(f"{node.name}_scale", np.float32(SELU_SCALE))
    return [ctx.emit("Mul", [elu.tensor, scale], name=node.name, source=node.name, layout=x.layout)]


@REGISTRY.register("Rsqrt")
def rsqrt(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Rsqrt -> Sqrt then Reciprocal."""
    x = node.inputs[0]
    if not isinstance(x, Value):
        return [_fold(lambda v: 1 / np.sqrt(v), node)]
    root = ctx.emit("Sqrt", [x.tensor], name=node.name, source=node.name)
    return [ctx.emit("Reciprocal", [root.tensor], name=node.name, source=node.name, layout=x.layout)]


@REGISTRY.register("Square")
def square(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Square -> Mul of the input by itself."""
    x = node.inputs[0]
    if not isinstance(x, Value):
        return [_fold(np.square, node)]
    return [ctx.emit("Mul", [x.tensor, x.tensor], name=node.name, source=node.name, layout=x.layout)]


@REGISTRY.register("Softmax")
def softmax(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Softmax (last axis) -> Softmax over the IR axis holding it."""
    x = ctx.axes_value(node.inputs[0], node.name)
    axis = ir_axis(-1, len(ctx.source_shape(x)), x.layout)
    return [ctx.emit("Softmax", [x.tensor], {"axis": axis}, name=node.name, source=node.name,
                     layout=x.layout)]


@REGISTRY.register("Cast")
def cast(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF Cast -> nothing between equal dtypes, else Cast (folded for constants)."""
    x, to = node.inputs[0], np.dtype(node.attr("DstT"))
    if not isinstance(x, Value):
        return [x.astype(to)]
    if ctx.builder.graph.spec(x.tensor).dtype == str(to):
        return [x]
    return [ctx.emit("Cast", [x.tensor], {"to": str(to)}, name=node.name, source=node.name,
                     layout=x.layout)]
