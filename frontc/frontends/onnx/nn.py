"""ONNX layers with weights or statistics: BatchNormalization, Gemm, MatMul, LRN, Layer/Group/Instance
Normalization, Einsum."""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError


@REGISTRY.register("BatchNormalization", since=1)
def batch_norm(node: OnnxNode, ctx: Context) -> Value:
    """ONNX BatchNormalization in inference mode -> BatchNorm."""
    if node.attr("training_mode", 0) or node.attr("spatial", 1) != 1:
        raise UnsupportedOpError("BatchNormalization in training mode or with spatial=0 is not "
                                 "supported", node=node.name, hint="export the model in eval mode")
    inputs = [ctx.x(node, i) for i in range(5)]
    return ctx.emit(node, "BatchNorm", inputs, {"epsilon": float(node.attr("epsilon", 1e-5))})


@REGISTRY.register("Gemm", since=1)
def gemm(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Gemm: alpha * A' @ B' + beta * C."""
    attrs = {"alpha": float(node.attr("alpha", 1.0)), "beta": float(node.attr("beta", 1.0)),
             "transA": node.attr("transA", 0), "transB": node.attr("transB", 0)}
    return ctx.emit(node, "Gemm", [ctx.x(node, 0), ctx.x(node, 1), ctx.x(node, 2)], attrs)


@REGISTRY.register("MatMul", since=1)
def matmul(node: OnnxNode, ctx: Context) -> Value:
    """ONNX MatMul (numpy.matmul semantics)."""
    return ctx.emit(node, "MatMul", [ctx.x(node, 0), ctx.x(node, 1)])


@REGISTRY.register("LRN", since=1)
def lrn(node: OnnxNode, ctx: Context) -> Value:
    """ONNX LRN across channels."""
    attrs = {"size": node.attrs["size"], "alpha": float(node.attr("alpha", 1e-4)),
             "beta": float(node.attr("beta", 0.75)), "bias": float(node.attr("bias", 1.0))}
    return ctx.emit(node, "LRN", [ctx.x(node, 0)], attrs)


@REGISTRY.register("LayerNormalization", since=17)
def layer_norm(node: OnnxNode, ctx: Context) -> list[Value]:
    """ONNX LayerNormalization; the optional Mean and InvStdDev outputs, where used, are computed
    by their own reductions."""
    x = ctx.x(node, 0)
    if node.attr("stash_type", 1) != 1 or ctx.dtype(x) != "float32":
        raise UnsupportedOpError("LayerNormalization is supported in float32 (stash_type 1) only",
                                 node=node.name)
    rank = len(ctx.shape(x))
    axis, epsilon = node.attr("axis", -1) % rank, float(node.attr("epsilon", 1e-5))
    y = ctx.emit(node, "LayerNorm", [ctx.x(node, i) for i in range(3)], {"axis": axis, "epsilon": epsilon})
    if not any(node.outputs[1:]):
        return [y]
    axes = {"axes": list(range(axis, rank)), "keepdims": 1}
    mean = ctx.emit(node, "ReduceMean", [x], axes, suffix="mean")
    centered = ctx.emit(node, "Sub", [x, mean], suffix="centered")
    square = ctx.emit(node, "Mul", [centered, centered], suffix="square")
    var = ctx.emit(node, "ReduceMean", [square], axes, suffix="var")
    eps = ctx.constant(np.float32(epsilon), f"{node.name}/epsilon")
    std = ctx.emit(node, "Sqrt", [ctx.emit(node, "Add", [var, eps], suffix="var_eps")], suffix="std")
    return [y, mean, ctx.emit(node, "Reciprocal", [std], suffix="inv_std")]


@REGISTRY.register("InstanceNormalization", since=1)
def instance_norm(node: OnnxNode, ctx: Context) -> Value:
    """ONNX InstanceNormalization."""
    attrs = {"epsilon": float(node.attr("epsilon", 1e-5))}
    return ctx.emit(node, "InstanceNorm", [ctx.x(node, i) for i in range(3)], attrs)


@REGISTRY.register("GroupNormalization", since=18)
def group_norm(node: OnnxNode, ctx: Context) -> Value:
    """ONNX GroupNormalization: per-group scale and bias (opset 18) are repeated per channel."""
    x, groups = ctx.x(node, 0), node.attrs["num_groups"]
    channels = ctx.shape(x)[1]
    params = []
    for i, what in ((1, "scale"), (2, "bias")):
        value = ctx.need_const(node, i, what)
        if node.opset < 21 and value is not None and value.shape == (groups,) and groups != channels:
            value = np.repeat(value, channels // groups)
            params.append(ctx.constant(value, f"{node.name}/{what}"))
        else:
            params.append(ctx.x(node, i))
    attrs = {"num_groups": groups, "epsilon": float(node.attr("epsilon", 1e-5))}
    return ctx.emit(node, "GroupNorm", [x, *params], attrs)


@REGISTRY.register("Einsum", since=12)
def einsum(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Einsum."""
    return ctx.emit(node, "Einsum", [ctx.x(node, i) for i in range(len(node.inputs))],
                    {"equation": node.attrs["equation"]})
