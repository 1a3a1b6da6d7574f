"""TF image resizing: ResizeBilinear, ResizeNearestNeighbor."""
from __future__ import annotations

from frontc.frontends.keras_tf.context import Operand
from frontc.frontends.keras_tf.layout import NCHW
from frontc.frontends.keras_tf.tf_ops.common import REGISTRY, TFContext, TFNode


def coordinates(node: TFNode) -> dict[str, str]:
    """The IR Resize coordinate attributes of a TF resize node's align_corners/half_pixel_centers."""
    nearest = node.op == "ResizeNearestNeighbor"
    if node.attr("align_corners", False):
        return {"coordinate_transformation_mode": "align_corners",
                **({"nearest_mode": "round_prefer_ceil"} if nearest else {})}
    if node.attr("half_pixel_centers", False):
        mode = "tf_half_pixel_for_nn" if nearest else "half_pixel"
        return {"coordinate_transformation_mode": mode, **({"nearest_mode": "floor"} if nearest else {})}
    return {"coordinate_transformation_mode": "asymmetric", **({"nearest_mode": "floor"} if nearest else {})}


@REGISTRY.register("ResizeBilinear", "ResizeNearestNeighbor")
def resize(node: TFNode, ctx: TFContext) -> list[Operand]:
    """TF ResizeBilinear/ResizeNearestNeighbor -> Resize to the constant size, TF's coordinates."""
    x = ctx.nchw(node.inputs[0], node.name)
    height, width = (int(d) for d in node.const(1))
    n, c, _, _ = ctx.builder.shape(x)
    attrs = {"mode": "nearest" if node.op == "ResizeNearestNeighbor" else "linear",
             "sizes": [n, c, height, width], **coordinates(node)}
    return [ctx.emit("Resize", [x], attrs, name=node.name, source=node.name, layout=NCHW)]
