"""Data movement: reshapes, permutes, concatenation, slicing, splitting, padding, resizing, casts."""
from __future__ import annotations

from typing import Any

from frontc.frontends.torch.context import ConversionContext, bind_args
from frontc.frontends.torch.registry import REG
from frontc.ir.errors import UnsupportedOpError

ALIASES = ("aten.clone.default", "aten.contiguous.default", "aten.alias.default", "aten.detach.default",
           "aten.lift_fresh_copy.default", "aten.dropout.default", "aten.feature_dropout.default",
           "aten.alpha_dropout.default")
PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge"}


def _norm(dim: int, rank: int) -> int:
    return int(dim) % rank if rank else 0


@REG.register(*ALIASES)
def alias(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.clone / contiguous / alias / detach / dropout (eval) -> no node: the input itself."""
    return [ctx.tensor(node.args[0])]


@REG.register("aten._assert_tensor_metadata.default")
def assert_metadata(node: Any, ctx: ConversionContext) -> list[str]:
    """aten._assert_tensor_metadata (a trace-time dtype/shape check, already true) -> nothing."""
    return []


@REG.register("aten._to_copy.default", "aten.to.dtype")
def to_copy(node: Any, ctx: ConversionContext) -> list[str]:
    """aten._to_copy / to.dtype -> Cast when the dtype changes, else the input itself."""
    x = ctx.tensor(node.args[0])
    if ctx.builder.graph.spec(x).dtype == ctx.dtype(node):
        return [x]
    return [ctx.add1(node, "Cast", [x], {"to": ctx.dtype(node)})]


@REG.register("aten.view.default", "aten.reshape.default", "aten._unsafe_view.default",
              "aten.view_copy.default")
def reshape(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.view / reshape / _unsafe_view -> Reshape to the static traced shape."""
    return [ctx.add1(node, "Reshape", [ctx.tensor(node.args[0])], {"shape": list(ctx.shape(node))})]


@REG.register("aten.flatten.using_ints")
def flatten(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.flatten -> Flatten (start 1 to the end) or Reshape."""
    a = bind_args(node)
    rank = len(ctx.shape(a["self"]))
    if rank >= 2 and _norm(a["start_dim"], rank) == 1 and _norm(a["end_dim"], rank) == rank - 1:
        return [ctx.add1(node, "Flatten", [ctx.tensor(a["self"])], {"axis": 1})]
    return reshape(node, ctx)


@REG.register("aten.permute.default")
def permute(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.permute -> Transpose."""
    rank = len(ctx.shape(node))
    perm = [_norm(d, rank) for d in node.args[1]]
    return [ctx.add1(node, "Transpose", [ctx.tensor(node.args[0])], {"perm": perm})]


@REG.register("aten.transpose.int", "aten.t.default")
def transpose(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.transpose / t (swap two dims) -> Transpose."""
    rank = len(ctx.shape(node))
    d0, d1 = (node.args[1], node.args[2]) if len(node.args) > 2 else (0, 1)
    perm = list(range(rank))
    if rank >= 2:
        perm[_norm(d0, rank)], perm[_norm(d1, rank)] = perm[_norm(d1, rank)], perm[_norm(d0, rank)]
    return [ctx.add1(node, "Transpose", [ctx.tensor(node.args[0])], {"perm": perm})]


@REG.register("aten.squeeze.dim", "aten.squeeze.dims", "aten.squeeze.default")
def squeeze(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.squeeze -> Squeeze of the listed size-1 dims (others are kept, as torch does)."""
    shape = ctx.shape(node.args[0])
    dims = node.args[1] if len(node.args) > 1 else range(len(shape))
    dims = [dims] if isinstance(dims, int) else dims
    axes = sorted({_norm(d, len(shape)) for d in dims if shape[_norm(d, len(shape))] == 1})
    if not axes:
        return [ctx.tensor(node.args[0])]
    return [ctx.add1(node, "Squeeze", [ctx.tensor(node.args[0])], {"axes": axes})]


@REG.register("aten.unsqueeze.default")
def unsqueeze(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.unsqueeze -> Unsqueeze."""
    axis = _norm(node.args[1], len(ctx.shape(node)))
    return [ctx.add1(node, "Unsqueeze", [ctx.tensor(node.args[0])], {"axes": [axis]})]


@REG.register("aten.cat.default")
def cat(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.cat -> Concat."""
    a = bind_args(node)
    axis = _norm(a["dim"], len(ctx.shape(node)))
    return [ctx.add1(node, "Concat", [ctx.tensor(t) for t in a["tensors"]], {"axis": axis})]


@REG.register("aten.stack.default")
def stack(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.stack -> Unsqueeze each input, then Concat."""
    a = bind_args(node)
    axis = _norm(a["dim"], len(ctx.shape(node)))
    parts = [ctx.add1(node, "Unsqueeze", [ctx.tensor(t)], {"axes": [axis]}, suffix=f"unsqueeze{i}")
             for i, t in enumerate(a["tensors"])]
    return [ctx.add1(node, "Concat", parts, {"axis": axis})]


@REG.register("aten.slice.Tensor")
def slice_(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.slice -> Slice (bounds clamped to the dim)."""
    a = bind_args(node)
    shape = ctx.shape(a["self"])
    axis = _norm(a["dim"], len(shape))
    start, end, step = slice(a["start"], a["end"], a["step"]).indices(shape[axis])
    if (start, end, step) == (0, shape[axis], 1):
        return [ctx.tensor(a["self"])]
    attrs = {"starts": [start], "ends": [end], "axes": [axis], "steps": [step]}
    return [ctx.add1(node, "Slice", [ctx.tensor(a["self"])], attrs)]


@REG.register("aten.select.int")
def select(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.select (one index of a dim) -> Slice + Squeeze."""
    a = bind_args(node)
    shape = ctx.shape(a["self"])
    axis = _norm(a["dim"], len(shape))
    index = int(a["index"]) % shape[axis]
    part = ctx.add1(node, "Slice", [ctx.tensor(a["self"])],
                    {"starts": [index], "ends": [index + 1], "axes": [axis]}, suffix="slice")
    return [ctx.add1(node, "Squeeze", [part], {"axes": [axis]})]


@REG.register("aten.split.Tensor", "aten.split_with_sizes.default", "aten.unbind.int")
def split(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.split / split_with_sizes / unbind -> Split (+ Squeeze per piece for unbind)."""
    a = bind_args(node)
    shape = ctx.shape(a["self"])
    axis = _norm(a["dim"], len(shape))
    unbind = node.target._opname == "unbind"
    sizes = [1] * shape[axis] if unbind else [int(v.shape[axis]) for v in node.meta["val"]]
    pieces = ctx.add(node, "Split", [ctx.tensor(a["self"])], {"axis": axis, "split": sizes},
                     outputs=len(sizes), suffix="split" if unbind else "")
    if not unbind:
        return pieces
    return [ctx.add1(node, "Squeeze", [p], {"axes": [axis]}, suffix=f"squeeze{i}") for i, p in enumerate(pieces)]


def _pad(node: Any, ctx: ConversionContext, x: Any, pad: list[int], mode: str, value: float) -> list[str]:
    if mode not in PAD_MODES:
        raise UnsupportedOpError(f"pad mode '{mode}' is not supported", node=node.name,
                                 hint=f"supported: {sorted(PAD_MODES)}")
    rank = len(ctx.shape(x))
    begins, ends = [0] * rank, [0] * rank
    for i in range(len(pad) // 2):
        begins[rank - 1 - i], ends[rank - 1 - i] = int(pad[2 * i]), int(pad[2 * i + 1])
    attrs = {"pads": begins + ends, "mode": PAD_MODES[mode], "value": float(value or 0.0)}
    return [ctx.add1(node, "Pad", [ctx.tensor(x)], attrs)]


@REG.register("aten.constant_pad_nd.default", "aten.pad.default")
def pad(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.pad / constant_pad_nd (constant, reflect, replicate) -> Pad."""
    a = bind_args(node)
    return _pad(node, ctx, a["self"], a["pad"], a.get("mode", "constant"), a["value"])


@REG.register("aten.reflection_pad1d.default", "aten.reflection_pad2d.default",
              "aten.replication_pad1d.default", "aten.replication_pad2d.default")
def pad_mode(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.reflection_pad* / replication_pad* -> Pad(reflect / edge)."""
    mode = "reflect" if node.target._opname.startswith("reflection") else "replicate"
    return _pad(node, ctx, node.args[0], list(node.args[1]), mode, 0.0)


@REG.register("aten.expand.default")
def expand(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.expand -> Expand to the static traced shape."""
    return [ctx.add1(node, "Expand", [ctx.tensor(node.args[0])], {"shape": list(ctx.shape(node))})]


@REG.register("aten.repeat.default")
def repeat(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.repeat -> Tile (after a Reshape adding leading dims when repeats is longer)."""
    x, repeats = ctx.tensor(node.args[0]), [int(r) for r in node.args[1]]
    shape = ctx.shape(node.args[0])
    if len(repeats) > len(shape):
        full = [1] * (len(repeats) - len(shape)) + list(shape)
        x = ctx.add1(node, "Reshape", [x], {"shape": full}, suffix="reshape")
    return [ctx.add1(node, "Tile", [x], {"repeats": repeats})]


@REG.register("aten.pixel_shuffle.default")
def pixel_shuffle(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.pixel_shuffle -> DepthToSpace(mode='CRD')."""
    return [ctx.add1(node, "DepthToSpace", [ctx.tensor(node.args[0])],
                     {"blocksize": int(node.args[1]), "mode": "CRD"})]
