"""IR ops -> MXNet 1.9 symbol ops. Shapes are static in the IR, so reshaping ops become one
Reshape to the known output shape; asymmetric pads become an explicit Pad."""
from __future__ import annotations

import numpy as np

from frontc.backends.mxnet.builder import Entry, SymbolBuilder, emitter
from frontc.ir.graph import Node
from frontc.ir.ops.common import pads_for
from frontc.ir.ops.elementwise import ACTIVATION_OPS

BINARY = {"Add": "broadcast_add", "Sub": "broadcast_sub", "Mul": "broadcast_mul", "Div": "broadcast_div",
          "Max": "broadcast_maximum", "Min": "broadcast_minimum", "Pow": "broadcast_power"}
UNARY = {"Sqrt": "sqrt", "Exp": "exp", "Log": "log", "Neg": "negative", "Abs": "abs",
         "Reciprocal": "reciprocal", "Floor": "floor", "Ceil": "ceil", "Identity": "identity",
         "Dropout": "identity"}


def activation(b: SymbolBuilder, name: str, params: dict[str, float], x: Entry, last: bool) -> Entry:
    """Activation ``name`` of ``x``; ``last`` makes it the node's output."""
    def op(kind: str, inputs: list[Entry], **attrs: object) -> Entry:
        return b.out(kind, inputs, **attrs) if last else b.op(kind, inputs, **attrs)

    if name in ("Relu", "Sigmoid", "Tanh"):
        return op("Activation", [x], act_type=name.lower())
    if name in ("Relu6", "Clip"):
        lo, hi = (0.0, 6.0) if name == "Relu6" else (params["min"], params["max"])
        return op("clip", [x], a_min=float(lo), a_max=float(hi))
    if name == "LeakyRelu":
        return op("LeakyReLU", [x], act_type="leaky", slope=float(params["alpha"]))
    if name == "Elu":
        return op("LeakyReLU", [x], act_type="elu", slope=float(params["alpha"]))
    if name == "HardSigmoid":
        return op("hard_sigmoid", [x], alpha=float(params["alpha"]), beta=float(params["beta"]))
    if name == "HardSwish":
        return op("elemwise_mul", [x, b.op("hard_sigmoid", [x], alpha=1 / 6, beta=0.5)])
    if name == "Swish":
        scaled = b.op("_mul_scalar", [x], scalar=float(params["alpha"])) if params["alpha"] != 1 else x
        return op("elemwise_mul", [x, b.op("Activation", [scaled], act_type="sigmoid")])
    raise b.unsupported(f"activation {name}")


def _fused(node: Node, b: SymbolBuilder, y: Entry, residual: str = "") -> None:
    """Residual add and fused activation after a layer whose result is ``y``."""
    name = b.attrs.get("activation", "")
    if residual:
        y = (b.op if name else b.out)("elemwise_add", [y, b.entry(residual)])
    if name:
        specs = ACTIVATION_OPS[name]
        params = {k: s.default for k, s in specs.items()}
        params.update(zip(specs, b.attrs["activation_params"]))
        activation(b, name, params, y, last=True)


def _layer(b: SymbolBuilder, node: Node, kind: str, inputs: list[Entry], **attrs: object) -> Entry:
    """The layer op itself: the node's output unless a residual or activation follows."""
    tail = b.attrs.get("activation") or (len(node.inputs) > 3 and node.inputs[3])
    return (b.op if tail else b.out)(kind, inputs, **attrs)


def _padded(b: SymbolBuilder, x: Entry, pads: list[int], n: int, value: float = 0.0) -> tuple[Entry, list[int]]:
    """(input, symmetric pads): an explicit Pad for asymmetric pads (4-d/5-d inputs)."""
    if pads[:n] == pads[n:]:
        return x, pads[:n]
    width = [0, 0, 0, 0] + [p for i in range(n) for p in (pads[i], pads[n + i])]
    return b.op("Pad", [x], mode="constant", pad_width=width, constant_value=value), [0] * n


@emitter(*ACTIVATION_OPS)
def standalone_activation(node: Node, b: SymbolBuilder) -> None:
    """Relu, Sigmoid, Tanh -> Activation; LeakyRelu, Elu -> LeakyReLU; Relu6, Clip -> clip; others composed."""
    activation(b, node.op, b.attrs, b.entry(node.inputs[0]), last=True)


@emitter("Conv")
def conv(node: Node, b: SymbolBuilder) -> None:
    """Conv -> Convolution [+ elemwise_add residual] [+ activation]."""
    w = b.shape(node.inputs[1])
    n = len(w) - 2
    a = b.attrs
    x, pads = _padded(b, b.entry(node.inputs[0]), pads_for(a["pads"], n), n)
    has_bias = len(node.inputs) > 2 and bool(node.inputs[2])
    inputs = [x, b.entry(node.inputs[1])] + ([b.entry(node.inputs[2])] if has_bias else [])
    y = _layer(b, node, "Convolution", inputs, kernel=w[2:], stride=a["strides"] or [1] * n,
               dilate=a["dilations"] or [1] * n, pad=pads, num_filter=w[0], num_group=a["group"],
               no_bias=not has_bias)
    _fused(node, b, y, node.inputs[3] if len(node.inputs) > 3 else "")


@emitter("ConvTranspose")
def conv_transpose(node: Node, b: SymbolBuilder) -> None:
    """ConvTranspose -> Deconvolution (symmetric pads) [+ activation]."""
    w = b.shape(node.inputs[1])
    n = len(w) - 2
    a = b.attrs
    pads = pads_for(a["pads"], n)
    if pads[:n] != pads[n:]:
        raise b.unsupported("asymmetric pads", hint="MXNet's Deconvolution pads both sides alike")
    has_bias = len(node.inputs) > 2 and bool(node.inputs[2])
    inputs = [b.entry(node.inputs[0]), b.entry(node.inputs[1])] + ([b.entry(node.inputs[2])] if has_bias else [])
    y = _layer(b, node, "Deconvolution", inputs, kernel=w[2:], stride=a["strides"] or [1] * n,
               dilate=a["dilations"] or [1] * n, pad=pads[:n], adj=a["output_padding"] or [0] * n,
               num_filter=w[1] * a["group"], num_group=a["group"], no_bias=not has_bias)
    _fused(node, b, y)


@emitter("Dense")
def dense(node: Node, b: SymbolBuilder) -> None:
    """Dense -> FullyConnected(flatten=False) [+ activation]."""
    has_bias = len(node.inputs) > 2 and bool(node.inputs[2])
    inputs = [b.entry(node.inputs[0]), b.entry(node.inputs[1])] + ([b.entry(node.inputs[2])] if has_bias else [])
    y = _layer(b, node, "FullyConnected", inputs, num_hidden=b.shape(node.inputs[1])[0],
               no_bias=not has_bias, flatten=False)
    _fused(node, b, y)


@emitter("Gemm")
def gemm(node: Node, b: SymbolBuilder) -> None:
    """Gemm with a param B (and C) -> FullyConnected with alpha/beta folded into new weights."""
    a = b.attrs
    if a["transA"] or node.inputs[1] not in b.graph.params:
        raise b.unsupported("transA or a computed B", hint="run the reconstruct pipeline (Gemm -> Dense)")
    weight = b.graph.params[node.inputs[1]]
    weight = (weight if a["transB"] else weight.T) * np.float32(a["alpha"])
    c = node.inputs[2] if len(node.inputs) > 2 else ""
    inputs = [b.entry(node.inputs[0]), b.const("weight", weight.astype(np.float32))]
    if c and c in b.graph.params and b.graph.params[c].size in (1, weight.shape[0]):
        bias = np.broadcast_to(b.graph.params[c] * np.float32(a["beta"]), (weight.shape[0],))
        inputs.append(b.const("bias", bias.astype(np.float32)))
    elif c:
        raise b.unsupported("a C that is not a per-output param")
    b.out("FullyConnected", inputs, num_hidden=weight.shape[0], no_bias=len(inputs) == 2, flatten=False)


@emitter("BatchNorm")
def batchnorm(node: Node, b: SymbolBuilder) -> None:
    """BatchNorm -> BatchNorm(use_global_stats, fix_gamma=False); mean and var as aux states."""
    x, scale, bias, mean, var = node.inputs
    b.out("BatchNorm", [b.entry(x), b.entry(scale), b.entry(bias), b.entry(mean, aux=True),
                        b.entry(var, aux=True)], eps=float(b.attrs["epsilon"]), fix_gamma=False,
          use_global_stats=True, axis=1)


def _pool(node: Node, b: SymbolBuilder, kind: str) -> None:
    a = b.attrs
    n = len(a["kernel_shape"])
    strides = a["strides"] or [1] * n
    pads = pads_for(a["pads"], n)
    if a.get("dilations") and any(d != 1 for d in a["dilations"]):
        raise b.unsupported("dilated pooling")
    fill = float("-inf") if kind == "max" else 0.0
    if kind == "avg" and pads[:n] != pads[n:] and not a["count_include_pad"]:
        raise b.unsupported("asymmetric pads that do not count in the average")
    x, sym = _padded(b, b.entry(node.inputs[0]), pads, n, fill)
    extra = {"count_include_pad": bool(a["count_include_pad"])} if kind == "avg" else {}
    b.out("Pooling", [x], kernel=a["kernel_shape"], stride=strides, pad=sym, pool_type=kind,
          pooling_convention="full" if a["ceil_mode"] else "valid", **extra)


@emitter("MaxPool")
def max_pool(node: Node, b: SymbolBuilder) -> None:
    """MaxPool -> Pooling(pool_type=max)."""
    _pool(node, b, "max")


@emitter("AvgPool")
def avg_pool(node: Node, b: SymbolBuilder) -> None:
    """AvgPool -> Pooling(pool_type=avg)."""
    _pool(node, b, "avg")


@emitter("GlobalAvgPool", "GlobalMaxPool")
def global_pool(node: Node, b: SymbolBuilder) -> None:
    """GlobalAvgPool/GlobalMaxPool -> Pooling(global_pool=True)."""
    n = len(b.shape(node.inputs[0])) - 2
    b.out("Pooling", [b.entry(node.inputs[0])], kernel=[1] * n, global_pool=True,
          pool_type="avg" if node.op == "GlobalAvgPool" else "max")


@emitter(*BINARY)
def binary(node: Node, b: SymbolBuilder) -> None:
    """Add, Sub, Mul, Div, Max, Min, Pow -> broadcast_* ops."""
    b.out(BINARY[node.op], [b.entry(node.inputs[0]), b.entry(node.inputs[1])])


@emitter(*UNARY)
def unary(node: Node, b: SymbolBuilder) -> None:
    """Unary math, Identity and inference Dropout -> the MXNet op of the same meaning."""
    b.out(UNARY[node.op], [b.entry(node.inputs[0])])


@emitter("Softmax")
def softmax(node: Node, b: SymbolBuilder) -> None:
    """Softmax -> softmax(axis)."""
    b.out("softmax", [b.entry(node.inputs[0])], axis=b.attrs["axis"])


@emitter("PRelu")
def prelu(node: Node, b: SymbolBuilder) -> None:
    """PRelu with a per-channel param slope -> LeakyReLU(act_type=prelu)."""
    slope = b.graph.params.get(node.inputs[1])
    channels = b.shape(node.inputs[0])[1]
    if slope is None or slope.size not in (1, channels):
        raise b.unsupported("a slope that is not a per-channel param")
    gamma = b.const("gamma", np.broadcast_to(slope.reshape(-1), (channels,)).astype(slope.dtype))
    b.out("LeakyReLU", [b.entry(node.inputs[0]), gamma], act_type="prelu")


@emitter("Reshape", "Flatten", "Squeeze", "Unsqueeze")
def reshape(node: Node, b: SymbolBuilder) -> None:
    """Reshape, Flatten, Squeeze, Unsqueeze -> Reshape to the static output shape."""
    b.out("Reshape", [b.entry(node.inputs[0])], shape=b.shape(node.outputs[0]))


@emitter("Concat")
def concat(node: Node, b: SymbolBuilder) -> None:
    """Concat -> Concat(dim, num_args)."""
    rank = len(b.shape(node.outputs[0]))
    b.out("Concat", [b.entry(t) for t in node.inputs], dim=b.attrs["axis"] % rank, num_args=len(node.inputs))


@emitter("Transpose")
def transpose(node: Node, b: SymbolBuilder) -> None:
    """Transpose -> transpose(axes)."""
    rank = len(b.shape(node.inputs[0]))
    b.out("transpose", [b.entry(node.inputs[0])], axes=b.attrs["perm"] or list(reversed(range(rank))))


@emitter("Slice")
def slice_(node: Node, b: SymbolBuilder) -> None:
    """Slice -> slice(begin, end, step) over every axis, bounds resolved on the static shape."""
    shape = b.shape(node.inputs[0])
    a = b.attrs
    axes = [ax % len(shape) for ax in (a["axes"] or range(len(a["starts"])))]
    steps = a["steps"] or [1] * len(axes)
    begin, end, step = [None] * len(shape), [None] * len(shape), [1] * len(shape)
    for ax, s, e, st in zip(axes, a["starts"], a["ends"], steps):
        lo, hi, st = slice(s, e, st).indices(shape[ax])
        begin[ax], end[ax], step[ax] = lo, (hi if hi >= 0 else None), st
    text = lambda v: "(" + ", ".join("None" if x is None else str(x) for x in v) + ")"  # noqa: E731
    b.out("slice", [b.entry(node.inputs[0])], begin=text(begin), end=text(end), step=text(step))


@emitter("Split")
def split(node: Node, b: SymbolBuilder) -> None:
    """Split -> one slice_axis per output, each named after its IR tensor."""
    axis = b.attrs["axis"] % len(b.shape(node.inputs[0]))
    start = 0
    for tensor, size in zip(node.outputs, b.attrs["split"]):
        b.entries[tensor] = b.op("slice_axis", [b.entry(node.inputs[0])], name=tensor, axis=axis,
                                 begin=start, end=start + size)
        start += size


@emitter("Pad")
def pad(node: Node, b: SymbolBuilder) -> None:
    """Pad of the spatial axes of a 4-d/5-d tensor -> Pad (constant, edge or reflect)."""
    shape = b.shape(node.inputs[0])
    pads, rank = b.attrs["pads"], len(shape)
    if rank not in (4, 5) or any(pads[i] or pads[i + rank] for i in (0, 1)) or min(pads) < 0:
        raise b.unsupported("MXNet pads only the spatial axes of 4-d/5-d tensors, by non-negative amounts")
    width = [p for i in range(rank) for p in (pads[i], pads[i + rank])]
    b.out("Pad", [b.entry(node.inputs[0])], mode=b.attrs["mode"], pad_width=width,
          constant_value=float(b.attrs["value"]))


@emitter("ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum")
def reduce(node: Node, b: SymbolBuilder) -> None:
    """Reduce* -> mean/max/min/sum(axis, keepdims)."""
    rank = len(b.shape(node.inputs[0]))
    axes = [ax % rank for ax in b.attrs["axes"]] or list(range(rank))
    b.out(node.op[len("Reduce"):].lower(), [b.entry(node.inputs[0])], axis=axes,
          keepdims=bool(b.attrs["keepdims"]))


@emitter("LRN")
def lrn(node: Node, b: SymbolBuilder) -> None:
    """LRN -> LRN(nsize, alpha, beta, knorm) (both divide alpha by the window size)."""
    a = b.attrs
    b.out("LRN", [b.entry(node.inputs[0])], nsize=a["size"], alpha=float(a["alpha"]), beta=float(a["beta"]),
          knorm=float(a["bias"]))


@emitter("DepthToSpace", "SpaceToDepth")
def depth_space(node: Node, b: SymbolBuilder) -> None:
    """DepthToSpace (DCR) -> depth_to_space, SpaceToDepth -> space_to_depth."""
    if node.op == "DepthToSpace" and b.attrs["mode"] != "DCR":
        raise b.unsupported("CRD mode", hint="MXNet's depth_to_space is DCR")
    b.out("depth_to_space" if node.op == "DepthToSpace" else "space_to_depth", [b.entry(node.inputs[0])],
          block_size=b.attrs["blocksize"])


@emitter("Expand", "Tile")
def broadcast(node: Node, b: SymbolBuilder) -> None:
    """Expand -> broadcast_to(the output shape); Tile -> tile(reps)."""
    if node.op == "Expand":
        b.out("broadcast_to", [b.entry(node.inputs[0])], shape=b.shape(node.outputs[0]))
    else:
        b.out("tile", [b.entry(node.inputs[0])], reps=b.attrs["repeats"])


@emitter("Resize")
def resize(node: Node, b: SymbolBuilder) -> None:
    """4-d Resize of H and W: nearest by an integer factor -> UpSampling; linear with half_pixel or
    align_corners -> contrib.BilinearResize2D to the output size."""
    a = b.attrs
    n, c, h, w = b.shape(node.inputs[0])
    out = b.shape(node.outputs[0])
    if len(out) != 4 or out[:2] != (n, c):
        raise b.unsupported("a resize of other axes than H and W of a 4-d tensor")
    fy, fx = out[2] / h, out[3] / w
    x = b.entry(node.inputs[0])
    if a["mode"] == "nearest" and fy == fx and fy.is_integer() and a["coordinate_transformation_mode"] in (
            "half_pixel", "asymmetric", "pytorch_half_pixel") and a["nearest_mode"] in ("round_prefer_floor", "floor"):
        b.out("UpSampling", [x], scale=int(fy), sample_type="nearest", num_args=1)
    elif a["mode"] == "linear" and a["coordinate_transformation_mode"] in ("half_pixel", "pytorch_half_pixel",
                                                                         "align_corners"):
        b.out("_contrib_BilinearResize2D", [x], height=out[2], width=out[3],
              align_corners=a["coordinate_transformation_mode"] == "align_corners")
    else:
        raise b.unsupported(f"{a['mode']} resize with {a['coordinate_transformation_mode']} coordinates "
                            f"by {fy:g} x {fx:g}")
