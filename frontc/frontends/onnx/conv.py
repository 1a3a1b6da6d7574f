"""ONNX Conv and ConvTranspose, with auto_pad resolved to explicit pads."""
from __future__ import annotations

import math
from typing import Any

from frontc.frontends.onnx.context import REGISTRY, Context, OnnxNode, Value
from frontc.ir.errors import UnsupportedOpError

AUTO_PADS = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")


def auto_pad(node: OnnxNode, sizes: tuple[int, ...], kernel: list[int], strides: list[int],
             dilations: list[int]) -> list[int]:
    """Explicit pads [begins..., ends...] for the node's ``auto_pad`` (or its ``pads``)."""
    mode = node.attr("auto_pad", "NOTSET")
    n = len(sizes)
    if mode not in AUTO_PADS:
        raise UnsupportedOpError(f"{node.op} auto_pad '{mode}' is not one of {list(AUTO_PADS)}",
                                 node=node.name)
    if mode == "NOTSET":
        return list(node.attr("pads", [0] * 2 * n))
    if mode == "VALID":
        return [0] * 2 * n
    begins, ends = [], []
    for size, k, s, d in zip(sizes, kernel, strides, dilations):
        total = max(0, (math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size)
        small, large = total // 2, total - total // 2
        begins.append(small if mode == "SAME_UPPER" else large)
        ends.append(large if mode == "SAME_UPPER" else small)
    return begins + ends


def window_attrs(node: OnnxNode, sizes: tuple[int, ...], kernel: list[int]) -> dict[str, Any]:
    """strides, dilations and explicit pads of a conv or pool node."""
    n = len(sizes)
    strides = list(node.attr("strides", [1] * n))
    dilations = list(node.attr("dilations", [1] * n))
    return {"strides": strides, "dilations": dilations,
            "pads": auto_pad(node, sizes, kernel, strides, dilations)}


@REGISTRY.register("Conv", since=1)
def conv(node: OnnxNode, ctx: Context) -> Value:
    """ONNX Conv (N-d, grouped, dilated; auto_pad made explicit)."""
    x, w = ctx.x(node, 0), ctx.x(node, 1)
    kernel = list(ctx.shape(w)[2:])
    attrs = window_attrs(node, ctx.shape(x)[2:], kernel)
    attrs["group"] = node.attr("group", 1)
    return ctx.emit(node, "Conv", [x, w, ctx.x(node, 2)], attrs)


@REGISTRY.register("ConvTranspose", since=1)
def conv_transpose(node: OnnxNode, ctx: Context) -> Value:
    """ONNX ConvTranspose; output_shape and auto_pad become explicit pads."""
    x, w = ctx.x(node, 0), ctx.x(node, 1)
    sizes, kernel = ctx.shape(x)[2:], list(ctx.shape(w)[2:])
    n = len(sizes)
    strides = list(node.attr("strides", [1] * n))
    dilations = list(node.attr("dilations", [1] * n))
    out_pad = list(node.attr("output_padding", [0] * n))
    pads = list(node.attr("pads", [0] * 2 * n))
    mode = node.attr("auto_pad", "NOTSET")
    target = node.attr("output_shape")
    if target is not None or mode in ("SAME_UPPER", "SAME_LOWER"):
        target = list(target)[-n:] if target is not None else [d * s for d, s in zip(sizes, strides)]
        begins, ends = [], []
        for i in range(n):
            total = (sizes[i] - 1) * strides[i] + out_pad[i] + (kernel[i] - 1) * dilations[i] + 1 \
                - target[i]
            if total < 0:
                raise UnsupportedOpError(f"ConvTranspose output_shape {target} needs negative pads",
                                         node=node.name)
            small, large = total // 2, total - total // 2  # the odd pixel goes first unless
            begins.append(small if mode == "SAME_UPPER" else large)  # SAME_UPPER, as in ONNX
            ends.append(large if mode == "SAME_UPPER" else small)
        pads = begins + ends
    elif mode == "VALID":
        pads = [0] * 2 * n
    attrs = {"strides": strides, "dilations": dilations, "pads": pads, "output_padding": out_pad,
             "group": node.attr("group", 1)}
    return ctx.emit(node, "ConvTranspose", [x, w, ctx.x(node, 2)], attrs)
