"""Keras layers with kernels: Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, Dense."""
from __future__ import annotations

from typing import Any

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import (
    REGISTRY,
    KerasCall,
    activation_name,
    emit_activation,
    image_input,
    variant,
    weight,
)
from frontc.frontends.keras_tf.layout import (
    NCHW,
    depthwise_to_oihw,
    flat_order,
    hwio_to_oihw,
    transpose_pads,
    window_pads,
)


@variant("Conv2DTranspose")
def _transpose_variant(layer: Any) -> str | None:
    return "groups" if getattr(layer, "groups", 1) != 1 else None


def _conv(ctx: Context, call: KerasCall, x: str, w: Any, b: Any, *, group: int = 1,
          node: str | None = None, activation: str | None = None) -> Value:
    """One IR Conv of the layer's geometry, then the layer's activation as a node of its own."""
    layer = call.layer
    sizes = ctx.builder.shape(x)[2:]
    kernel = w.shape[2:]
    attrs = {"strides": list(layer.strides), "dilations": list(layer.dilation_rate),
             "pads": window_pads(layer.padding, sizes, kernel, layer.strides, layer.dilation_rate),
             "group": group}
    inputs = [x, ctx.param(f"{call.name}_W", w)]
    if b is not None:
        inputs.append(ctx.param(f"{call.name}_B", b))
    out = ctx.emit("Conv", inputs, attrs, name=node or call.name, source=call.name, layout=NCHW)
    return _activation(ctx, call, out, activation)


def _activation(ctx: Context, call: KerasCall, out: Value, activation: str | None) -> Value:
    """The layer's ``activation=`` applied to its linear output (fusing is the cmodel passes' job)."""
    return emit_activation(ctx, out, activation, node=f"{call.name}_act", source=call.name)


def _bias(layer: Any) -> Any:
    return weight(layer.bias) if layer.use_bias else None


@REGISTRY.register("Conv2D")
def conv2d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Conv2D (groups, dilation, same/valid) -> Conv with an OIHW kernel."""
    layer = call.layer
    return [_conv(ctx, call, image_input(ctx, call), hwio_to_oihw(weight(layer.kernel)),
                  _bias(layer), group=layer.groups, activation=activation_name(layer))]


@REGISTRY.register("DepthwiseConv2D")
def depthwise_conv2d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras DepthwiseConv2D -> Conv with group = C and a (C*mult, 1, kh, kw) kernel."""
    layer = call.layer
    kernel = weight(layer.kernel)
    return [_conv(ctx, call, image_input(ctx, call), depthwise_to_oihw(kernel), _bias(layer),
                  group=kernel.shape[2], activation=activation_name(layer))]


@REGISTRY.register("SeparableConv2D")
def separable_conv2d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras SeparableConv2D -> a depthwise Conv, then a 1x1 Conv with the bias."""
    layer = call.layer
    depthwise = weight(layer.depthwise_kernel)
    mid = _conv(ctx, call, image_input(ctx, call), depthwise_to_oihw(depthwise), None,
                group=depthwise.shape[2], node=f"{call.name}_depthwise")
    pointwise = hwio_to_oihw(weight(layer.pointwise_kernel))
    inputs = [mid.tensor, ctx.param(f"{call.name}_pointwise_W", pointwise)]
    if layer.use_bias:
        inputs.append(ctx.param(f"{call.name}_B", weight(layer.bias)))
    out = ctx.emit("Conv", inputs, {}, name=call.name, source=call.name, layout=NCHW)
    return [_activation(ctx, call, out, activation_name(layer))]


@REGISTRY.register("Conv2DTranspose")
def conv2d_transpose(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Conv2DTranspose -> ConvTranspose with TF's crop and output padding."""
    layer = call.layer
    x = image_input(ctx, call)
    kernel = weight(layer.kernel)  # (kh, kw, out, in)
    n, _, h, w = ctx.builder.shape(x)
    out_shape = layer.compute_output_shape((n, h, w, kernel.shape[3]))
    pads, extra = transpose_pads(layer.padding, (h, w), out_shape[1:3], kernel.shape[:2],
                                 layer.strides, layer.dilation_rate)
    # (kh, kw, out, in) -> (in, out, kh, kw), the IR ConvTranspose weight
    inputs = [x, ctx.param(f"{call.name}_W", hwio_to_oihw(kernel))]
    if layer.use_bias:
        inputs.append(ctx.param(f"{call.name}_B", weight(layer.bias)))
    out = ctx.emit("ConvTranspose", inputs,
                   {"strides": list(layer.strides), "dilations": list(layer.dilation_rate),
                    "pads": pads, "output_padding": extra},
                   name=call.name, source=call.name, layout=NCHW)
    return [_activation(ctx, call, out, activation_name(layer))]


@REGISTRY.register("Dense")
def dense(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Dense -> Dense (W = kernel.T); on an NCHW image a 1x1 Conv; after an NCHW
    Flatten the kernel rows are permuted to the CHW order."""
    layer = call.layer
    kernel = weight(layer.kernel)  # (in, out)
    bias = _bias(layer)
    act = activation_name(layer)
    x = call.x
    if x.layout == NCHW:
        w = kernel.T.reshape(*kernel.T.shape, 1, 1)
        inputs = [x.tensor, ctx.param(f"{call.name}_W", w)]
        if bias is not None:
            inputs.append(ctx.param(f"{call.name}_B", bias))
        out = ctx.emit("Conv", inputs, {}, name=call.name, source=call.name, layout=NCHW)
        return [_activation(ctx, call, out, act)]
    if x.layout.kind == "flat":
        kernel = kernel[flat_order(x.layout.hwc)]
    inputs = [x.tensor, ctx.param(f"{call.name}_W", kernel.T.copy())]
    if bias is not None:
        inputs.append(ctx.param(f"{call.name}_B", bias))
    out = ctx.emit("Dense", inputs, {}, name=call.name, source=call.name)
    return [_activation(ctx, call, out, act)]

