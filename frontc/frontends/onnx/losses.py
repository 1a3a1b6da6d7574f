"""ONNX training losses, NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, lowered to IR ops
as their ONNX function bodies define them (LogSoftmax, GatherElements, Gather, Where, ReduceSum)."""
from __future__ import annotations

import numpy as np

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError

REDUCTIONS = ("none", "sum", "mean")


def nll(node: OnnxNode, ctx: Context, x: Value, target: Value, weight: Value | None) -> Value:
    """-x[n, target[n, d...], d...] * weight[target], ignored targets 0; summed or averaged (the
    mean divides by the summed weights of the targets not ignored)."""
    reduction = node.attr("reduction", "mean")
    if reduction not in REDUCTIONS:
        raise UnsupportedOpError(f"{node.op} reduction '{reduction}' is not one of {REDUCTIONS}", node=node.name)
    dtype, index_dtype = ctx.dtype(x), ctx.dtype(target)
    ignore = node.attr("ignore_index")
    kept = None
    if ignore is not None:  # ignored targets read class 0 and weigh 0
        ignored = ctx.emit(node, "Equal", [target, ctx.constant(np.asarray(ignore, index_dtype), f"{node.name}/ii")],
                           suffix="ignored")
        target = ctx.emit(node, "Where", [ignored, ctx.constant(np.asarray(0, index_dtype), f"{node.name}/zero"),
                                          target], suffix="target")
        kept = ctx.emit(node, "Where", [ignored, ctx.constant(np.asarray(0, dtype), f"{node.name}/w0"),
                                        ctx.constant(np.asarray(1, dtype), f"{node.name}/w1")], suffix="kept")
    index = ctx.emit(node, "Unsqueeze", [target], {"axes": [1]}, suffix="index")
    picked = ctx.emit(node, "GatherElements", [x, index], {"axis": 1}, suffix="picked")
    loss = ctx.emit(node, "Neg", [ctx.emit(node, "Squeeze", [picked], {"axes": [1]}, suffix="squeeze")],
                    suffix="neg")
    weights = ctx.emit(node, "Gather", [weight, target], {"axis": 0}, suffix="weights") if weight is not None else None
    if kept is not None:
        weights = kept if weights is None else ctx.emit(node, "Mul", [weights, kept], suffix="kept_weights")
    if weights is not None:
        loss = ctx.emit(node, "Mul", [loss, weights], suffix="weighted")
    if reduction == "none":
        return ctx.emit(node, "Identity", [loss])
    if reduction == "sum" or weights is None:
        op = "ReduceSum" if reduction == "sum" else "ReduceMean"
        return ctx.emit(node, op, [loss], {"axes": [], "keepdims": 0})
    total = ctx.emit(node, "ReduceSum", [loss], {"axes": [], "keepdims": 0}, suffix="total")
    count = ctx.emit(node, "ReduceSum", [weights], {"axes": [], "keepdims": 0}, suffix="count")
    return ctx.emit(node, "Div", [total, count])


@REGISTRY.register("NegativeLogLikelihoodLoss", since=12)
def negative_log_likelihood_loss(node: OnnxNode, ctx: Context) -> Value:
    """ONNX NegativeLogLikelihoodLoss (input [N, C, d...] of log-probabilities, target [N, d...])."""
    return nll(node, ctx, ctx.x(node, 0), ctx.x(node, 1), ctx.x(node, 2))


@REGISTRY.register("SoftmaxCrossEntropyLoss", since=12)
def softmax_cross_entropy_loss(node: OnnxNode, ctx: Context) -> list[Value]:
    """ONNX SoftmaxCrossEntropyLoss: LogSoftmax over the class axis 1, then the NLL loss; the
    optional second output is the log-probabilities."""
    log_prob = ctx.emit(node, "LogSoftmax", [ctx.x(node, 0)], {"axis": 1}, suffix="log_prob")
    return [nll(node, ctx, log_prob, ctx.x(node, 1), ctx.x(node, 2)), log_prob]
