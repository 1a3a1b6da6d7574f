"""Reshapes and transposes: Reshape, Flatten, Squeeze, Unsqueeze, Transpose.

A reshape reads its input in the IR's element order, so a 4-D input held channels-last
is first permuted back to NCHW -- unless both forms hold the elements in the same order
(only size-1 axes move, e.g. after a global pool), when it is read directly. Flatten
of an NHWC feature map therefore flattens in NCHW order, as the IR does, and a Dense
after it keeps the IR's weight rows. A 4-D result whose two forms agree is produced
channels-last at no cost.
"""
from __future__ import annotations

from typing import Any

import keras

from frontc.backends.tf import layout
from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_shape import ReshapeTo, Transpose
from frontc.backends.tf.registry import factory
from frontc.ir.graph import Node


@factory("Reshape", "Flatten", "Squeeze", "Unsqueeze")
def reshape(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Reshape, Flatten, Squeeze, Unsqueeze -> Flatten / Reshape (batch axis kept) or ReshapeTo."""
    x, out = node.inputs[0], node.outputs[0]
    before, after = ctx.shape(x), ctx.shape(out)
    source = ctx.get(x) if ctx.is_nhwc(x) and layout.same_memory_order(before) else ctx.get(x, nhwc=False)
    nhwc = len(after) == 4 and layout.same_memory_order(after)
    target = layout.shape(after, nhwc)
    keeps_batch = len(before) >= 2 and len(target) >= 2 and target[0] == before[0]
    if node.op == "Flatten" and keeps_batch and a["axis"] == 1:
        layer = keras.layers.Flatten(name=ctx.name(), **ctx.float_kwargs(x))
    elif keeps_batch:
        layer = keras.layers.Reshape(target[1:], name=ctx.name(), **ctx.float_kwargs(x))
    else:
        layer = ReshapeTo(target, name=ctx.name())
    ctx.set(out, ctx.call(layer, source), nhwc)


@factory("Transpose")
def transpose(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """Transpose -> one Permute (or Transpose layer when the batch axis moves) from the input as
    held; none when the IR transpose only changes how the tensor is held."""
    x, out = node.inputs[0], node.outputs[0]
    rank = ctx.rank(x)
    perm = a["perm"] or list(range(rank))[::-1]
    held = layout.physical_perm(rank, ctx.is_nhwc(x))
    logical = layout.compose(layout.inverse(held), perm)  # out (IR) from the input as held
    options = [(False, logical)]
    if rank == 4:
        options.insert(0, (True, layout.compose(logical, layout.NCHW_TO_NHWC)))
    for nhwc, total in options:
        if layout.is_identity(total):
            ctx.set(out, ctx.get(x), nhwc)
            return
    nhwc, total = options[-1]
    if total[0] == 0:
        layer = keras.layers.Permute(total[1:], name=ctx.name(), **ctx.float_kwargs(x))
    else:
        layer = Transpose(total, name=ctx.name())
    ctx.set(out, ctx.call(layer, ctx.get(x)), nhwc)
