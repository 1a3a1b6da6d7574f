"""InstanceNorm, GroupNorm, ArgMax/ArgMin, TopK, ReduceProd, ReduceL2 and Det -> MXNet 1.9 symbol ops
(GroupNorm as InstanceNorm over the grouped channels: MXNet 1.9's GroupNorm has per-group gamma)."""
from __future__ import annotations

import numpy as np

from frontc.backends.mxnet.builder import SymbolBuilder, emitter
from frontc.ir.graph import Node


@emitter("InstanceNorm")
def instance_norm(node: Node, b: SymbolBuilder) -> None:
    """InstanceNorm -> InstanceNorm(eps)."""
    b.out("InstanceNorm", [b.entry(t) for t in node.inputs], eps=float(b.attrs["epsilon"]))


@emitter("GroupNorm")
def group_norm(node: Node, b: SymbolBuilder) -> None:
    """GroupNorm -> Reshape (N, G, -1), InstanceNorm (unit gamma), Reshape back, per-channel scale and bias."""
    x, scale, bias = node.inputs
    shape, groups = b.shape(x), b.attrs["num_groups"]
    grouped = b.op("Reshape", [b.entry(x)], shape=[shape[0], groups, -1])
    normalized = b.op("InstanceNorm", [grouped, b.const("ones", np.ones(groups, np.float32)),
                                       b.const("zeros", np.zeros(groups, np.float32))], eps=float(b.attrs["epsilon"]))
    back = b.op("Reshape", [normalized], shape=shape)
    channel = [1, shape[1]] + [1] * (len(shape) - 2)
    scaled = b.op("broadcast_mul", [back, b.op("Reshape", [b.entry(scale)], shape=channel)])
    b.out("broadcast_add", [scaled, b.op("Reshape", [b.entry(bias)], shape=channel)])


@emitter("ArgMax", "ArgMin")
def arg_reduce(node: Node, b: SymbolBuilder) -> None:
    """ArgMax/ArgMin -> argmax/argmin (first index on ties), then Cast to int64 (MXNet gives floats)."""
    if b.attrs["select_last_index"]:
        raise b.unsupported("select_last_index=1", hint="MXNet's argmax/argmin give the first index")
    index = b.op(node.op.lower(), [b.entry(node.inputs[0])], axis=b.attrs["axis"], keepdims=bool(b.attrs["keepdims"]))
    b.out("Cast", [index], dtype="int64")


@emitter("TopK")
def top_k(node: Node, b: SymbolBuilder) -> None:
    """TopK -> topk(ret_typ=both, int64 indices), its values and indices named after the IR tensors."""
    a = b.attrs
    both = b.op("topk", [b.entry(node.inputs[0])], axis=a["axis"], k=a["k"], ret_typ="both",
                is_ascend=not a["largest"], dtype="int64")
    for k, tensor in enumerate(node.outputs):
        b.entries[tensor] = b.op("identity", [(both[0], k)], name=tensor)


@emitter("ReduceProd", "ReduceL2")
def reduce(node: Node, b: SymbolBuilder) -> None:
    """ReduceProd -> prod, ReduceL2 -> norm(ord=2) over the axes (every axis when none)."""
    rank = len(b.shape(node.inputs[0]))
    axes = [ax % rank for ax in b.attrs["axes"]] or list(range(rank))
    extra = {"ord": 2} if node.op == "ReduceL2" else {}
    b.out("norm" if node.op == "ReduceL2" else "prod", [b.entry(node.inputs[0])], axis=axes,
          keepdims=bool(b.attrs["keepdims"]), **extra)


@emitter("Det")
def det(node: Node, b: SymbolBuilder) -> None:
    """Det -> linalg_det."""
    b.out("_linalg_det", [b.entry(node.inputs[0])])
