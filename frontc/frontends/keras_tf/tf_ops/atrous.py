"""TF's dilated convolution on CPU: SpaceToBatchND -> Conv2D/DepthwiseConv2dNative (VALID,
stride 1) -> BatchToSpaceND, converted back into one dilated IR Conv.

SpaceToBatchND and the convolution return Pending records instead of IR tensors;
BatchToSpaceND emits the Conv: dilation = block shape, pads = paddings - crops (a
Slice takes any crop larger than the padding). Nothing else may read them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frontc.frontends.keras_tf.context import Operand, Value
from frontc.frontends.keras_tf.layout import NCHW
from frontc.frontends.keras_tf.tf_ops.common import REGISTRY, Pending, TFContext, TFNode
from frontc.ir.errors import UnsupportedOpError


def _only_in_dilated_conv(name: str) -> UnsupportedOpError:
    return UnsupportedOpError("SpaceToBatchND/BatchToSpaceND are only supported around a dilated "
                              "2-D convolution", node=name)


@dataclass(frozen=True, eq=False)
class SpaceToBatch(Pending):
    """The output of SpaceToBatchND: ``value`` padded by ``paddings`` and split into blocks."""

    readers = ("Conv2D", "DepthwiseConv2dNative")
    name: str
    value: Value
    block: tuple[int, int]
    paddings: tuple[tuple[int, int], tuple[int, int]]

    def materialize(self, ctx: TFContext) -> Value:
        raise _only_in_dilated_conv(self.name)


@dataclass(frozen=True, eq=False)
class PendingConv(Pending):
    """A convolution of a SpaceToBatch, waiting for the BatchToSpaceND that ends it."""

    readers = ("BatchToSpaceND",)
    name: str
    batched: SpaceToBatch
    weight: np.ndarray
    group: int

    def materialize(self, ctx: TFContext) -> Value:
        raise _only_in_dilated_conv(self.name)


def pending_conv(node: TFNode, weight: np.ndarray, group: int) -> PendingConv:
    """The convolution ``node`` of a SpaceToBatch input (it must be VALID with stride 1)."""
    if node.attr("padding") != "VALID" or any(s != 1 for s in node.attr("strides")) or \
            any(d != 1 for d in node.attr("dilations", [1])):
        raise UnsupportedOpError(f"{node.op} of a SpaceToBatchND output must be VALID with stride 1",
                                 node=node.name)
    return PendingConv(node.name, node.inputs[0], weight, group)


@REGISTRY.register("SpaceToBatchND")
def space_to_batch(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF SpaceToBatchND (2 spatial axes) -> pending, the start of a dilated convolution."""
    x, block, paddings = node.inputs[0], node.const(1), node.const(2)
    if not isinstance(x, Value) or len(block) != 2:
        raise _only_in_dilated_conv(node.name)
    return [SpaceToBatch(node.name, x, (int(block[0]), int(block[1])),
                         ((int(paddings[0][0]), int(paddings[0][1])), (int(paddings[1][0]), int(paddings[1][1]))))]


@REGISTRY.register("BatchToSpaceND")
def batch_to_space(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF BatchToSpaceND after a pending convolution -> one dilated Conv (+ Slice for crops
    beyond the padding)."""
    conv, block, crops = node.inputs[0], node.const(1), node.const(2)
    if not isinstance(conv, PendingConv) or tuple(int(b) for b in block) != conv.batched.block:
        raise _only_in_dilated_conv(node.name)
    (pt, pb), (pl, pr) = conv.batched.paddings
    (ct, cb), (cl, cr) = ((int(crops[0][0]), int(crops[0][1])), (int(crops[1][0]), int(crops[1][1])))
    pads = [pt - ct, pl - cl, pb - cb, pr - cr]
    cropped = any(p < 0 for p in pads)
    x = ctx.nchw(conv.batched.value, conv.name)
    attrs = {"dilations": list(conv.batched.block), "group": conv.group,
             "pads": [pt, pl, pb, pr] if cropped else pads}
    out = ctx.emit("Conv", [x, ctx.param(f"{conv.name}_W", conv.weight)], attrs, name=conv.name,
                   source=conv.name, layout=NCHW)
    if not cropped:
        return [out]
    _, _, h, w = ctx.shape(out)
    return [ctx.emit("Slice", [out.tensor], {"starts": [ct, cl], "ends": [h - cb, w - cr], "axes": [2, 3]},
                     name=node.name, source=node.name, layout=NCHW)]
