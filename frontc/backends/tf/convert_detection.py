"""Detection heads: BoxNMS -> the BoxNMS Keras layer on the IR form."""
from __future__ import annotations

from typing import Any

from frontc.backends.tf.context import BuildContext
from frontc.backends.tf.layers_detection import BoxNMS
from frontc.backends.tf.registry import factory
from frontc.ir.graph import Node


@factory("BoxNMS")
def box_nms(ctx: BuildContext, node: Node, a: dict[str, Any]) -> None:
    """BoxNMS -> a BoxNMS layer (tf.image.non_max_suppression breaks ties and thresholds differently)."""
    layer = BoxNMS(dict(a), name=ctx.name())
    ctx.set(node.outputs[0], ctx.call(layer, ctx.get(node.inputs[0], nhwc=False)))
