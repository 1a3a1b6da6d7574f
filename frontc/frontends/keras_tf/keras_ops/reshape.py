"""Keras layers that move data: Flatten, Reshape, Permute, ZeroPadding2D, Cropping2D, Dropout."""
from __future__ import annotations

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, KerasCall, image_input
from frontc.frontends.keras_tf.layout import NCHW, flat

# Layers that are the identity at inference.
PASS_THROUGH = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Identity")


@REGISTRY.register(*PASS_THROUGH)
def pass_through(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Dropout & co. (identity at inference) -> no node."""
    return [call.x]


@REGISTRY.register("Flatten")
def flatten(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Flatten -> Flatten; of an NCHW image it flattens in CHW order and the result
    is marked flat(h, w, c), so that a Dense reading it permutes its weights instead."""
    x = call.x
    shape = ctx.source_shape(x)
    if len(shape) == 2:
        return [x]
    layout = flat(*shape[1:]) if x.layout == NCHW else x.layout
    return [ctx.emit("Flatten", [x.tensor], {"axis": 1}, name=call.name, source=call.name, layout=layout)]


@REGISTRY.register("Reshape")
def reshape(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Reshape(target_shape) -> Reshape of the source-ordered (NHWC) tensor."""
    x = ctx.plain(call.x, call.name)
    shape = [ctx.builder.shape(x)[0], *call.layer.target_shape]
    return [ctx.emit("Reshape", [x], {"shape": shape}, name=call.name, source=call.name)]


@REGISTRY.register("Permute")
def permute(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Permute(dims) -> one Transpose of the source-ordered tensor (composed with the
    NCHW -> NHWC move when the input is an NCHW image)."""
    perm = [0, *call.layer.dims]
    return [ctx.transpose_source(call.x, perm, name=call.name, source=call.name)]


@REGISTRY.register("ZeroPadding2D")
def zero_padding2d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras ZeroPadding2D -> Pad of H and W."""
    (top, bottom), (left, right) = call.layer.padding
    pads = [0, 0, top, left, 0, 0, bottom, right]
    return [ctx.emit("Pad", [image_input(ctx, call)], {"pads": pads}, name=call.name, source=call.name,
                     layout=NCHW)]


@REGISTRY.register("Cropping2D")
def cropping2d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Cropping2D -> Slice of H and W."""
    (top, bottom), (left, right) = call.layer.cropping
    x = image_input(ctx, call)
    _, _, h, w = ctx.builder.shape(x)
    attrs = {"starts": [top, left], "ends": [h - bottom, w - right], "axes": [2, 3]}
    return [ctx.emit("Slice", [x], attrs, name=call.name, source=call.name, layout=NCHW)]
