"""BoxNMS, GatherND and Mod -> MXNet 1.9 symbol ops (what detection heads need beyond the rest)."""
from __future__ import annotations

import numpy as np

from frontc.backends.mxnet.builder import SymbolBuilder, emitter
from frontc.ir.graph import Node


@emitter("BoxNMS")
def box_nms(node: Node, b: SymbolBuilder) -> None:
    """BoxNMS -> _contrib_box_nms (the IR op has its semantics), in_format = out_format = format."""
    a = b.attrs
    b.out("_contrib_box_nms", [b.entry(node.inputs[0])], overlap_thresh=a["overlap_thresh"],
          valid_thresh=a["valid_thresh"], topk=a["topk"], coord_start=a["coord_start"],
          score_index=a["score_index"], id_index=a["id_index"], background_id=a["background_id"],
          force_suppress=bool(a["force_suppress"]), in_format=a["format"], out_format=a["format"])


@emitter("GatherND")
def gather_nd(node: Node, b: SymbolBuilder) -> None:
    """GatherND (batch_dims 0) -> gather_nd with the index tuples moved to the first axis and negative
    indices wrapped as (index + dim) mod dim."""
    if b.attrs["batch_dims"]:
        raise b.unsupported(f"batch_dims={b.attrs['batch_dims']}", hint="MXNet's gather_nd has no batch dims")
    x, index = node.inputs
    rank, depth = len(b.shape(index)), b.shape(index)[-1]
    moved = b.op("transpose", [b.entry(index)], axes=[rank - 1, *range(rank - 1)])
    dims = b.const("dims", np.array(b.shape(x)[:depth], np.int64).reshape((depth,) + (1,) * (rank - 1)))
    wrapped = b.op("broadcast_mod", [b.op("broadcast_add", [moved, dims]), dims])
    b.out("gather_nd", [b.entry(x), wrapped])


@emitter("Mod")
def mod(node: Node, b: SymbolBuilder) -> None:
    """Mod fmod=0 -> broadcast_mod (the divisor's sign); fmod=1 of integers -> a - (a / b) * b with
    MXNet's truncating integer division."""
    a, d = (b.entry(t) for t in node.inputs)
    if not b.attrs["fmod"]:
        b.out("broadcast_mod", [a, d])
        return
    if np.dtype(b.graph.spec(node.inputs[0]).dtype).kind not in "iu":
        raise b.unsupported("fmod=1 of floating-point tensors", hint="MXNet has no fmod operator")
    b.out("broadcast_sub", [a, b.op("broadcast_mul", [b.op("broadcast_div", [a, d]), d])])
