"""Keras resizing layers: UpSampling2D and Resizing."""
from __future__ import annotations

from typing import Any

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, KerasCall, image_input, variant
from frontc.frontends.keras_tf.layout import NCHW

# tf.image.resize (what Keras 3 calls) uses half-pixel centers for both methods.
RESIZE_MODES = {
    "bilinear": {"mode": "linear", "coordinate_transformation_mode": "half_pixel"},
    "nearest": {"mode": "nearest", "coordinate_transformation_mode": "tf_half_pixel_for_nn",
                "nearest_mode": "floor"},
}


@variant("UpSampling2D")
def _upsampling_variant(layer: Any) -> str | None:
    return None if layer.interpolation in RESIZE_MODES else f"interpolation={layer.interpolation}"


@variant("Resizing")
def _resizing_variant(layer: Any) -> str | None:
    if layer.interpolation not in RESIZE_MODES:
        return f"interpolation={layer.interpolation}"
    for flag in ("crop_to_aspect_ratio", "pad_to_aspect_ratio", "antialias"):
        if getattr(layer, flag, False):
            return flag
    return None


@REGISTRY.register("UpSampling2D")
def upsampling2d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras UpSampling2D -> Resize: nearest is Keras' repeat (asymmetric, floor),
    bilinear is tf.image.resize (half-pixel)."""
    layer = call.layer
    x = image_input(ctx, call)
    sh, sw = layer.size
    if layer.interpolation == "nearest":
        attrs = {"mode": "nearest", "coordinate_transformation_mode": "asymmetric",
                 "nearest_mode": "floor", "scales": [1.0, 1.0, float(sh), float(sw)]}
    else:
        n, c, h, w = ctx.builder.shape(x)
        attrs = {**RESIZE_MODES["bilinear"], "sizes": [n, c, h * sh, w * sw]}
    return [ctx.emit("Resize", [x], attrs, name=call.name, source=call.name, layout=NCHW)]


@REGISTRY.register("Resizing")
def resizing(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Resizing(height, width) -> Resize with tf.image.resize's coordinates."""
    layer = call.layer
    x = image_input(ctx, call)
    n, c, _, _ = ctx.builder.shape(x)
    attrs = {**RESIZE_MODES[layer.interpolation], "sizes": [n, c, int(layer.height), int(layer.width)]}
    return [ctx.emit("Resize", [x], attrs, name=call.name, source=call.name, layout=NCHW)]
