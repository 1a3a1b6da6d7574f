"""Keras pooling layers: MaxPooling2D, AveragePooling2D and the global pools."""
from __future__ import annotations

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, KerasCall, image_input
from frontc.frontends.keras_tf.layout import NCHW, window_pads


@REGISTRY.register("MaxPooling2D", "AveragePooling2D")
def pool2d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Max/AveragePooling2D -> MaxPool/AvgPool; 'same' pads as TF (the average
    counts only real pixels, as TF does)."""
    layer = call.layer
    x = image_input(ctx, call)
    kernel, strides = list(layer.pool_size), list(layer.strides)
    attrs = {"kernel_shape": kernel, "strides": strides,
             "pads": window_pads(layer.padding, ctx.builder.shape(x)[2:], kernel, strides, [1, 1])}
    op = "MaxPool" if type(layer).__name__ == "MaxPooling2D" else "AvgPool"
    return [ctx.emit(op, [x], attrs, name=call.name, source=call.name, layout=NCHW)]


@REGISTRY.register("GlobalAveragePooling2D", "GlobalMaxPooling2D")
def global_pool2d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras GlobalAverage/MaxPooling2D -> GlobalAvgPool/GlobalMaxPool (+ Flatten without keepdims)."""
    op = "GlobalAvgPool" if type(call.layer).__name__ == "GlobalAveragePooling2D" else "GlobalMaxPool"
    out = ctx.emit(op, [image_input(ctx, call)], name=call.name, source=call.name, layout=NCHW)
    if call.layer.keepdims:
        return [out]
    return [ctx.emit("Flatten", [out.tensor], {"axis": 1}, name=f"{call.name}_flatten", source=call.name)]
