"""ONNX Resize (opset 10, 11+) and the older Upsample: constant scales or sizes become attributes."""
from __future__ import annotations

from typing import Any

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError

MODES = {"nearest": "nearest", "linear": "linear", "bilinear": "linear", "cubic": "cubic"}


def legacy(node: OnnxNode, ctx: Context, scales: list[float]) -> Value:
    """Upsample and Resize-10: asymmetric coordinates; nearest floors when enlarging
    and ceils when shrinking, as ONNX Runtime does."""
    mode = mode_of(node)
    attrs: dict[str, Any] = {"mode": mode, "scales": scales,
                             "coordinate_transformation_mode": "asymmetric"}
    if mode == "nearest":
        if all(s >= 1 for s in scales):
            attrs["nearest_mode"] = "floor"
        elif all(s <= 1 for s in scales):
            attrs["nearest_mode"] = "ceil"
        else:
            raise UnsupportedOpError(f"{node.op} nearest with scales {scales} that both enlarge "
                                     "and shrink is not supported", node=node.name)
    return ctx.emit(node, "Resize", [ctx.x(node, 0)], attrs)


def mode_of(node: OnnxNode) -> str:
    mode = node.attr("mode", "nearest")
    if mode not in MODES:
        raise UnsupportedOpError(f"{node.op} mode '{mode}' is not supported (nearest, linear and "
                                 "cubic are)", node=node.name)
    return MODES[mode]


@REGISTRY.register("Upsample", since=7)
def upsample_attr(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Upsample-7: ``scales`` attribute."""
    return legacy(node, ctx, [float(s) for s in node.attrs["scales"]])


@REGISTRY.register("Upsample", since=9)
@REGISTRY.register("Resize", since=10)
def upsample_input(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Upsample-9 and Resize-10: ``scales`` as a constant input."""
    return legacy(node, ctx, ctx.floats(node, 1, "scales"))


@REGISTRY.register("Resize", since=11)
def resize(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Resize from opset 11: constant scales or sizes (with opset-18 ``axes``)."""
    x = ctx.x(node, 0)
    shape = ctx.shape(x)
    coordinates = node.attr("coordinate_transformation_mode", "half_pixel")
    if coordinates == "tf_crop_and_resize" or node.attr("antialias", 0) or \
            node.attr("keep_aspect_ratio_policy", "stretch") != "stretch":
        raise UnsupportedOpError("Resize with tf_crop_and_resize, antialias or a "
                                 "keep_aspect_ratio_policy is not supported", node=node.name)
    scales, sizes = ctx.floats(node, 2, "scales"), ctx.ints(node, 3, "sizes")
    if not scales and not sizes:
        raise UnsupportedOpError("Resize needs constant scales or sizes", node=node.name)
    axes = [a % len(shape) for a in node.attr("axes", range(len(shape)))]
    attrs: dict[str, Any] = {"mode": mode_of(node), "coordinate_transformation_mode": coordinates,
                             "nearest_mode": node.attr("nearest_mode", "round_prefer_floor")}
    if attrs["mode"] == "cubic":
        attrs.update(cubic_coeff_a=float(node.attr("cubic_coeff_a", -0.75)),
                     exclude_outside=node.attr("exclude_outside", 0))
    if sizes:
        full = list(shape)
        for axis, size in zip(axes, sizes):
            full[axis] = size
        attrs["sizes"] = full
    else:
        full_scales = [1.0] * len(shape)
        for axis, scale in zip(axes, scales):
            full_scales[axis] = scale
        if coordinates == "align_corners" and any(d * s != int(d * s) for d, s in zip(shape, full_scales)):
            raise UnsupportedOpError(f"Resize align_corners with scales {scales} that do not give whole output "
                                     "sizes is not supported: ONNX's reference divides by the fractional size, "
                                     "ONNX Runtime by the rounded one", node=node.name,
                                     hint="give sizes instead of scales")
        attrs["scales"] = full_scales
    return ctx.emit(node, "Resize", [x], attrs)
