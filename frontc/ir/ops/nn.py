"""Layers with weights or windows: convolutions, normalization, dense, pooling."""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import (
    ACTIVATION_ATTRS,
    broadcast,
    need,
    numeric_input,
    pads_for,
    require,
    spatial,
    window_out,
)
from frontc.ir.schema import AttrSpec, Ins, register_op

WINDOW_ATTRS = {
    "strides": AttrSpec("ints", ()),
    "pads": AttrSpec("ints", ()),
    "dilations": AttrSpec("ints", ()),
}


def _windows(x_shape: tuple[int, ...], kernel: list[int], a: dict[str, Any],
             ceil_mode: bool = False) -> list[int]:
    n = len(kernel)
    strides = spatial(a["strides"], n, 1, "strides")
    dilations = spatial(a.get("dilations", []), n, 1, "dilations")
    pads = pads_for(a["pads"], n)
    require(all(s > 0 for s in strides), f"strides must be > 0, got {strides}")
    require(all(d > 0 for d in dilations), f"dilations must be > 0, got {dilations}")
    return [window_out(x_shape[2 + i], kernel[i], strides[i], pads[i], pads[n + i],
                       dilations[i], ceil_mode) for i in range(n)]


@register_op("Conv", ["X", "W", "B?", "residual?"],
             {**WINDOW_ATTRS, "group": AttrSpec("int", 1), "kernel_shape": AttrSpec("ints", ()),
              **ACTIVATION_ATTRS},
             weights=["W", "B"], family="nn")
def conv(ins: Ins, a: dict[str, Any]):
    """N-d convolution (NC + spatial), optionally adding ``residual`` and a fused activation."""
    x, w = need(ins, 0, "X"), need(ins, 1, "W")
    numeric_input(x, "Conv")
    require(x.rank >= 3 and w.rank == x.rank, f"Conv needs X and W of equal rank >= 3, "
                                              f"got X{x.shape} W{w.shape}")
    group = a["group"]
    require(group >= 1 and x.shape[1] == w.shape[1] * group and w.shape[0] % group == 0,
            f"Conv channels do not match: X{x.shape} W{w.shape} group={group}")
    kernel = list(w.shape[2:])
    require(not a["kernel_shape"] or list(a["kernel_shape"]) == kernel,
            f"kernel_shape {a['kernel_shape']} does not match W{w.shape}")
    out = (x.shape[0], w.shape[0], *_windows(x.shape, kernel, a))
    if len(ins) > 2 and ins[2] is not None:
        require(ins[2].shape == (w.shape[0],), f"Conv bias must be ({w.shape[0]},), got {ins[2].shape}")
    if len(ins) > 3 and ins[3] is not None:
        require(ins[3].shape == out, f"Conv residual must be {out}, got {ins[3].shape}")
    return [(out, x.dtype)]


@register_op("ConvTranspose", ["X", "W", "B?"],
             {**WINDOW_ATTRS, "group": AttrSpec("int", 1), "output_padding": AttrSpec("ints", ()),
              "kernel_shape": AttrSpec("ints", ()), **ACTIVATION_ATTRS},
             weights=["W", "B"], family="nn")
def conv_transpose(ins: Ins, a: dict[str, Any]):
    """Transposed convolution; W is (C_in, C_out / group, *kernel)."""
    x, w = need(ins, 0, "X"), need(ins, 1, "W")
    numeric_input(x, "ConvTranspose")
    require(x.rank >= 3 and w.rank == x.rank and x.shape[1] == w.shape[0],
            f"ConvTranspose channels do not match: X{x.shape} W{w.shape}")
    n = x.rank - 2
    kernel = list(w.shape[2:])
    strides = spatial(a["strides"], n, 1, "strides")
    dilations = spatial(a["dilations"], n, 1, "dilations")
    out_pad = spatial(a["output_padding"], n, 0, "output_padding")
    pads = pads_for(a["pads"], n)
    require(all(0 <= p < max(s, d) for p, s, d in zip(out_pad, strides, dilations)),
            f"output_padding {out_pad} must be smaller than strides or dilations")
    sizes = [(x.shape[2 + i] - 1) * strides[i] - pads[i] - pads[n + i]
             + dilations[i] * (kernel[i] - 1) + out_pad[i] + 1 for i in range(n)]
    require(all(s > 0 for s in sizes), f"ConvTranspose output would be empty: {sizes}")
    channels = w.shape[1] * a["group"]
    if len(ins) > 2 and ins[2] is not None:
        require(ins[2].shape == (channels,), f"bias must be ({channels},), got {ins[2].shape}")
    return [((x.shape[0], channels, *sizes), x.dtype)]


@register_op("BatchNorm", ["X", "scale", "bias", "mean", "var"],
             {"epsilon": AttrSpec("float", 1e-5)},
             weights=["scale", "bias", "mean", "var"], family="nn")
def batch_norm(ins: Ins, a: dict[str, Any]):
    """Inference batch normalization over axis 1: (x - mean) / sqrt(var + eps) * scale + bias."""
    x = need(ins, 0, "X")
    require(x.rank >= 2, f"BatchNorm needs rank >= 2, got {x.shape}")
    for i, name in enumerate(("scale", "bias", "mean", "var"), start=1):
        spec = need(ins, i, name)
        require(spec.shape == (x.shape[1],), f"BatchNorm {name} must be ({x.shape[1]},), "
                                             f"got {spec.shape}")
    return [(x.shape, x.dtype)]


@register_op("Dense", ["X", "W", "B?"], dict(ACTIVATION_ATTRS), weights=["W", "B"], family="nn")
def dense(ins: Ins, a: dict[str, Any]):
    """Fully connected layer y = x @ W.T + B, W is (out, in), over the last axis of X."""
    x, w = need(ins, 0, "X"), need(ins, 1, "W")
    require(w.rank == 2 and x.rank >= 1 and x.shape[-1] == w.shape[1],
            f"Dense needs X(..., {w.shape[1] if w.rank == 2 else '?'}) and W(out, in), "
            f"got X{x.shape} W{w.shape}")
    if len(ins) > 2 and ins[2] is not None:
        require(ins[2].shape == (w.shape[0],), f"Dense bias must be ({w.shape[0]},), got {ins[2].shape}")
    return [((*x.shape[:-1], w.shape[0]), x.dtype)]


@register_op("Gemm", ["A", "B", "C?"],
             {"alpha": AttrSpec("float", 1.0), "beta": AttrSpec("float", 1.0),
              "transA": AttrSpec("int", 0, (0, 1)), "transB": AttrSpec("int", 0, (0, 1))},
             weights=["B", "C"], family="nn")
def gemm(ins: Ins, a: dict[str, Any]):
    """ONNX Gemm: alpha * A' @ B' + beta * C on 2-d tensors."""
    x, w = need(ins, 0, "A"), need(ins, 1, "B")
    require(x.rank == 2 and w.rank == 2, f"Gemm needs 2-d A and B, got {x.shape} {w.shape}")
    m, k = x.shape[::-1] if a["transA"] else x.shape
    k2, n = w.shape[::-1] if a["transB"] else w.shape
    require(k == k2, f"Gemm inner sizes differ: A{x.shape} B{w.shape}")
    if len(ins) > 2 and ins[2] is not None:
        require(broadcast(ins[2].shape, (m, n)) == (m, n),
                f"Gemm C{ins[2].shape} does not broadcast to ({m}, {n})")
    return [((m, n), x.dtype)]


@register_op("MatMul", ["A", "B"], {}, family="nn")
def matmul(ins: Ins, a: dict[str, Any]):
    """numpy.matmul semantics, batched and broadcast."""
    x, w = need(ins, 0, "A"), need(ins, 1, "B")
    xs = (1, *x.shape) if x.rank == 1 else x.shape
    ws = (*w.shape, 1) if w.rank == 1 else w.shape
    require(xs[-1] == ws[-2], f"MatMul inner sizes differ: A{x.shape} B{w.shape}")
    batch = broadcast(xs[:-2], ws[:-2])
    out = (*batch, xs[-2], ws[-1])
    if x.rank == 1:
        out = out[:-2] + out[-1:]
    if w.rank == 1:
        out = out[:-1]
    return [(tuple(out), x.dtype)]


def _pool(ins: Ins, a: dict[str, Any], op: str):
    x = need(ins, 0, "X")
    require(x.rank >= 3, f"{op} needs N, C and spatial axes, got {x.shape}")
    kernel = list(a["kernel_shape"])
    require(len(kernel) == x.rank - 2 and all(k > 0 for k in kernel),
            f"{op} kernel_shape {kernel} does not fit X{x.shape}")
    return [((x.shape[0], x.shape[1], *_windows(x.shape, kernel, a, bool(a["ceil_mode"]))),
             x.dtype)]


POOL_ATTRS = {"kernel_shape": AttrSpec("ints"), "strides": AttrSpec("ints", ()),
              "pads": AttrSpec("ints", ()), "ceil_mode": AttrSpec("int", 0, (0, 1))}


@register_op("MaxPool", ["X"], {**POOL_ATTRS, "dilations": AttrSpec("ints", ())}, family="nn")
def max_pool(ins: Ins, a: dict[str, Any]):
    """Max pooling; padding never wins the max."""
    return _pool(ins, a, "MaxPool")


@register_op("AvgPool", ["X"], {**POOL_ATTRS, "count_include_pad": AttrSpec("int", 0, (0, 1))},
             family="nn")
def avg_pool(ins: Ins, a: dict[str, Any]):
    """Average pooling; explicit padding counts in the divisor only with count_include_pad."""
    return _pool(ins, a, "AvgPool")


def _global_pool(ins: Ins, a: dict[str, Any]):
    x = need(ins, 0, "X")
    require(x.rank >= 3, f"global pooling needs N, C and spatial axes, got {x.shape}")
    return [((x.shape[0], x.shape[1]) + (1,) * (x.rank - 2), x.dtype)]


@register_op("GlobalAvgPool", ["X"], {}, family="nn")
def global_avg_pool(ins: Ins, a: dict[str, Any]):
    """Mean over every spatial axis, keeping them as size 1."""
    return _global_pool(ins, a)


@register_op("GlobalMaxPool", ["X"], {}, family="nn")
def global_max_pool(ins: Ins, a: dict[str, Any]):
    """Max over every spatial axis, keeping them as size 1."""
    return _global_pool(ins, a)


@register_op("LRN", ["X"], {"size": AttrSpec("int"), "alpha": AttrSpec("float", 1e-4),
                            "beta": AttrSpec("float", 0.75), "bias": AttrSpec("float", 1.0)},
             family="nn")
def lrn(ins: Ins, a: dict[str, Any]):
    """Local response normalization across channels (ONNX definition)."""
    x = need(ins, 0, "X")
    require(x.rank >= 3 and a["size"] > 0, f"LRN needs rank >= 3 and size > 0, got {x.shape}")
    return [(x.shape, x.dtype)]
