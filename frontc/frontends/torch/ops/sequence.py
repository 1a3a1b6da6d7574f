"""Sequence and transformer layers: embeddings, layer and group norm, LSTM / GRU / RNN (torch's gate
orders converted to the IR's once), comparisons, logic, where, erf, cumsum, argmax, topk, einsum."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.torch.context import ConversionContext, bind_args
from frontc.frontends.torch.registry import REG
from frontc.ir.errors import UnsupportedOpError

# IR gate k is torch gate ORDER[k] (torch: LSTM i f g o, GRU r z n; IR: LSTM i o f c, GRU z r h)
ORDER = {"LSTM": (0, 3, 1, 2), "GRU": (1, 0, 2), "RNN": (0,)}
RECURRENT = {"aten.lstm.input": "LSTM", "aten.gru.input": "GRU", "aten.rnn_tanh.input": "RNN",
             "aten.rnn_relu.input": "RNN"}
COMPARE = {"eq": "Equal", "lt": "Less", "gt": "Greater", "le": "LessOrEqual", "ge": "GreaterOrEqual"}
LOGIC = {"aten.logical_and.default": "And", "aten.logical_or.default": "Or", "aten.logical_xor.default": "Xor",
         "aten.bitwise_and.Tensor": "And", "aten.bitwise_or.Tensor": "Or", "aten.bitwise_xor.Tensor": "Xor"}


@REG.register("aten.embedding.default")
def embedding(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.embedding(weight, indices) -> Gather(weight, indices, axis=0)."""
    a = bind_args(node)
    return [ctx.add1(node, "Gather", [ctx.tensor(a["weight"]), ctx.tensor(a["indices"])], {"axis": 0})]


def _affine(node: Any, ctx: ConversionContext, arg: Any, shape: tuple[int, ...], fill: float, name: str) -> str:
    if arg is not None:
        return ctx.tensor(arg)
    return ctx.builder.param(f"{ctx.base(node)}.{name}", np.full(shape, fill, dtype=ctx.dtype(node)))


@REG.register("aten.layer_norm.default", "aten.native_layer_norm.default")
def layer_norm(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.layer_norm / native_layer_norm -> LayerNorm over the trailing ``normalized_shape`` axes."""
    a = bind_args(node)
    shape = tuple(int(d) for d in a["normalized_shape"])
    rank = len(ctx.shape(a["input"]))
    inputs = [ctx.tensor(a["input"]), _affine(node, ctx, a["weight"], shape, 1.0, "weight")]
    if a["bias"] is not None:
        inputs.append(ctx.tensor(a["bias"]))
    y = ctx.add1(node, "LayerNorm", inputs, {"axis": rank - len(shape), "epsilon": float(a["eps"])})
    return [y] if node.target._opname == "layer_norm" else [y, "", ""]


@REG.register("aten.group_norm.default")
def group_norm(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.group_norm -> GroupNorm (per-channel affine)."""
    a = bind_args(node)
    channels = ctx.shape(a["input"])[1]
    inputs = [ctx.tensor(a["input"]), _affine(node, ctx, a["weight"], (channels,), 1.0, "weight"),
              _affine(node, ctx, a["bias"], (channels,), 0.0, "bias")]
    return [ctx.add1(node, "GroupNorm", inputs, {"num_groups": int(a["num_groups"]), "epsilon": float(a["eps"])})]


def _gates(w: np.ndarray, op: str, size: int) -> np.ndarray:
    return np.concatenate([w[g * size:(g + 1) * size] for g in ORDER[op]])


@REG.register(*RECURRENT)
def recurrent(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.lstm / gru / rnn_tanh / rnn_relu -> one IR LSTM / GRU / RNN per layer (gates reordered once,
    directions stacked; between layers the directions are concatenated back into features)."""
    op = RECURRENT[op_name := f"aten.{node.target._opname}.{node.target._overloadname}"]
    a = bind_args(node)
    if a["train"] and a["dropout"]:
        raise UnsupportedOpError(f"{op} with dropout in training mode is not supported", node=node.name)
    params = [ctx.const(p) for p in a["params"]]
    if any(p is None for p in params):
        raise UnsupportedOpError(f"{op} weights must be parameters", node=node.name)
    layers, dirs = int(a["num_layers"]), 2 if a["bidirectional"] else 1
    batch_first = bool(a["batch_first"])
    states = list(a["hx"]) if op == "LSTM" else [a["hx"]]
    per = 4 if a["has_biases"] else 2
    x = ctx.tensor(a["input"])
    size = params[1].shape[1]
    seq, batch = ctx.shape(a["input"])[:2][::-1] if batch_first else ctx.shape(a["input"])[:2]
    attrs: dict[str, Any] = {"hidden_size": size, "direction": "bidirectional" if dirs == 2 else "forward",
                             "layout": int(batch_first)}
    if op == "GRU":
        attrs["linear_before_reset"] = 1
    if op_name == "aten.rnn_relu.input":
        attrs["activation"] = "Relu"
    finals: list[list[str]] = [[] for _ in states]
    for layer in range(layers):
        tag = f"l{layer}"
        chunks = [params[(layer * dirs + d) * per:(layer * dirs + d + 1) * per] for d in range(dirs)]
        w = np.stack([_gates(c[0], op, size) for c in chunks])
        r = np.stack([_gates(c[1], op, size) for c in chunks])
        base = ctx.base(node)
        inputs = [x, ctx.builder.param(f"{base}.W_{tag}", w), ctx.builder.param(f"{base}.R_{tag}", r)]
        if a["has_biases"]:
            b = np.stack([np.concatenate([_gates(c[2], op, size), _gates(c[3], op, size)]) for c in chunks])
            inputs.append(ctx.builder.param(f"{base}.B_{tag}", b))
        else:
            inputs.append("")
        inputs.append("")
        for k, state in enumerate(states):
            value = ctx.const(state)
            if value is not None and not value.any():
                inputs.append("")
                continue
            s = ctx.add1(node, "Slice", [ctx.tensor(state)], {"starts": [layer * dirs], "ends": [(layer + 1) * dirs],
                                                             "axes": [0]}, suffix=f"{tag}_state{k}")
            if batch_first:
                s = ctx.add1(node, "Transpose", [s], {"perm": [1, 0, 2]}, suffix=f"{tag}_state{k}_batch_major")
            inputs.append(s)
        while not inputs[-1]:
            inputs.pop()
        outs = ctx.add(node, op, inputs, attrs, suffix=tag, outputs=len(states) + 1)
        y = outs[0]
        if not batch_first:
            y = ctx.add1(node, "Transpose", [y], {"perm": [0, 2, 1, 3]}, suffix=f"{tag}_y_t")
        x = ctx.add1(node, "Reshape", [y], {"shape": [batch, seq, dirs * size] if batch_first else
                                                    [seq, batch, dirs * size]}, suffix=f"{tag}_y")
        for k, last in enumerate(outs[1:]):
            if batch_first:
                last = ctx.add1(node, "Transpose", [last], {"perm": [1, 0, 2]}, suffix=f"{tag}_h{k}_t")
            finals[k].append(last)
    hs = [f[0] if len(f) == 1 else ctx.add1(node, "Concat", f, {"axis": 0}, suffix=f"h{k}")
          for k, f in enumerate(finals)]
    return [x, *hs]


@REG.register(*[f"aten.{name}.{kind}" for name in COMPARE for kind in ("Tensor", "Scalar")],
              "aten.ne.Tensor", "aten.ne.Scalar")
def compare(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.eq / lt / gt / le / ge / ne (tensor or number) -> Equal / Less / Greater / ... (ne: Not Equal)."""
    a, b = node.args[0], node.args[1]
    dtype = ctx.dtype(a)
    operands = [ctx.operand(node, a, dtype, "self"), ctx.operand(node, b, dtype, "other")]
    name = node.target._opname
    if name == "ne":
        return [ctx.add1(node, "Not", [ctx.add1(node, "Equal", operands, suffix="eq")])]
    return [ctx.add1(node, COMPARE[name], operands)]


@REG.register(*LOGIC)
def logic(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.logical_and / or / xor (and bitwise ones on bools) -> And / Or / Xor."""
    operands = [ctx.tensor(node.args[0]), ctx.tensor(node.args[1])]
    if any(ctx.builder.graph.spec(t).dtype != "bool" for t in operands):
        raise UnsupportedOpError(f"{node.target} on non-bool tensors is not supported", node=node.name)
    return [ctx.add1(node, LOGIC[f"aten.{node.target._opname}.{node.target._overloadname}"], operands)]


@REG.register("aten.logical_not.default", "aten.bitwise_not.default")
def logical_not(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.logical_not (and bitwise_not of a bool) -> Not."""
    x = ctx.tensor(node.args[0])
    if ctx.builder.graph.spec(x).dtype != "bool":
        raise UnsupportedOpError(f"{node.target} on a non-bool tensor is not supported", node=node.name)
    return [ctx.add1(node, "Not", [x])]


@REG.register("aten.where.self", "aten.where.ScalarOther", "aten.where.ScalarSelf", "aten.where.Scalar")
def where(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.where(condition, x, y) -> Where."""
    dtype = ctx.dtype(node)
    c, x, y = node.args[:3]
    operands = [ctx.tensor(c), ctx.operand(node, x, dtype, "x"), ctx.operand(node, y, dtype, "y")]
    return [ctx.add1(node, "Where", operands)]


@REG.register("aten.masked_fill.Scalar", "aten.masked_fill.Tensor")
def masked_fill(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.masked_fill(x, mask, value) -> Where(mask, value, x)."""
    x, mask, value = node.args[:3]
    dtype = ctx.dtype(node)
    return [ctx.add1(node, "Where", [ctx.tensor(mask), ctx.operand(node, value, dtype, "value"), ctx.tensor(x)])]


@REG.register("aten.erf.default")
def erf(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.erf -> Erf."""
    return [ctx.add1(node, "Erf", [ctx.tensor(node.args[0])])]


@REG.register("aten.cumsum.default")
def cumsum(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.cumsum -> CumSum (cast first when a dtype is given)."""
    a = bind_args(node)
    x = ctx.tensor(a["self"])
    if ctx.builder.graph.spec(x).dtype != ctx.dtype(node):
        x = ctx.add1(node, "Cast", [x], {"to": ctx.dtype(node)}, suffix="cast")
    return [ctx.add1(node, "CumSum", [x], {"axis": int(a["dim"])})]


@REG.register("aten.argmax.default", "aten.argmin.default")
def argmax(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.argmax / argmin over a dim (the flattened tensor when none) -> ArgMax / ArgMin."""
    a = bind_args(node)
    x = ctx.tensor(a["self"])
    dim = a["dim"]
    if dim is None:
        x = ctx.add1(node, "Reshape", [x], {"shape": [-1]}, suffix="flat")
        dim = 0
    op = "ArgMax" if node.target._opname == "argmax" else "ArgMin"
    return [ctx.add1(node, op, [x], {"axis": int(dim), "keepdims": int(bool(a["keepdim"]))})]


@REG.register("aten.topk.default")
def topk(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.topk(sorted=True) -> TopK (values, indices)."""
    a = bind_args(node)
    if not a["sorted"]:
        raise UnsupportedOpError("topk with sorted=False is not supported", node=node.name)
    attrs = {"k": int(a["k"]), "axis": int(a["dim"]), "largest": int(bool(a["largest"]))}
    return ctx.add(node, "TopK", [ctx.tensor(a["self"])], attrs, outputs=2)


@REG.register("aten.einsum.default")
def einsum(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.einsum -> Einsum."""
    a = bind_args(node)
    return [ctx.add1(node, "Einsum", [ctx.tensor(t) for t in a["tensors"]], {"equation": a["equation"]})]


@REG.register("aten.index_select.default")
def index_select(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.index_select(x, dim, index) -> Gather(axis=dim)."""
    a = bind_args(node)
    rank = len(ctx.shape(a["self"]))
    return [ctx.add1(node, "Gather", [ctx.tensor(a["self"]), ctx.tensor(a["index"])], {"axis": int(a["dim"]) % rank})]


@REG.register("aten.scaled_dot_product_attention.default")
def scaled_dot_product_attention(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.scaled_dot_product_attention (F.scaled_dot_product_attention, nn.MultiheadAttention's core)
    -> Attention; a boolean mask and is_causal become an additive mask."""
    a = bind_args(node)
    if a["dropout_p"] or a.get("enable_gqa"):
        raise UnsupportedOpError("scaled_dot_product_attention with dropout or enable_gqa is not supported",
                                 node=node.name)
    q, k, v = (ctx.tensor(a[key]) for key in ("query", "key", "value"))
    dtype = ctx.dtype(node)
    lq, lk = ctx.shape(a["query"])[-2], ctx.shape(a["key"])[-2]
    masks = []
    if a["attn_mask"] is not None:
        mask = ctx.tensor(a["attn_mask"])
        if ctx.builder.graph.spec(mask).dtype == "bool":
            zero = ctx.builder.param(f"{ctx.base(node)}/zero", np.zeros((), dtype))
            minus = ctx.builder.param(f"{ctx.base(node)}/minus_inf", np.full((), -np.inf, dtype))
            mask = ctx.add1(node, "Where", [mask, zero, minus], suffix="mask")
        masks.append(mask)
    if a["is_causal"]:
        masks.append(ctx.builder.param(f"{ctx.base(node)}/causal", np.triu(np.full((lq, lk), -np.inf, dtype), 1)))
    mask = masks[0] if len(masks) == 1 else ctx.add1(node, "Add", masks, suffix="masks") if masks else None
    attrs = {"scale": float(a["scale"]) if a["scale"] is not None else 0.0}
    return [ctx.add1(node, "Attention", [q, k, v] + ([mask] if mask else []), attrs)]
