"""The requantization of a Conv/ConvTranspose/Dense accumulator, as ``frontc.quant.integer.weighted``:
round((acc m [+ residual m_r]) / 2**n) by the rule, LeakyRelu's negative side, then a table or a clamp.

A shift n <= 0 is folded into the multipliers (m << -n, shift 0): the same integers, since numpy shifts
the int64 sum left the same way, and every channel then rounds as ``(v + (2**s >> 1)) >> s``, s >= 0.
Multipliers that fit int32 are stored as int32 so that the int64 product is a widening multiply the
compiler vectorizes; a run of one channel's accumulators is requantized with its constants hoisted.
"""
from __future__ import annotations

import numpy as np

from frontc.cmodel.context import LayerContext
from frontc.quant.annotations import TensorQuant
from frontc.quant.integer import _clamp_bounds


def _residual(ctx: LayerContext) -> bool:
    node = ctx.node
    return bool(node.op == "Conv" and len(node.inputs) > 3 and node.inputs[3])


def _folded(ctx: LayerContext, key: str, channels: int) -> tuple[str, str, str | None, str]:
    """Blob pointers (multipliers, shifts, residual multipliers or None) and the multipliers' C type."""
    rq = ctx.quant[key]
    n = np.broadcast_to(np.asarray(rq["shift"], np.int64), (channels,))
    left = np.maximum(-n, 0)
    terms = [np.broadcast_to(np.asarray(rq["multiplier"], np.int64), (channels,))]
    if _residual(ctx):
        terms.append(np.broadcast_to(np.asarray(ctx.quant[f"{key}_residual"]["multiplier"], np.int64), (channels,)))
    terms = [t << left for t in terms]
    wide = any(np.abs(t).max(initial=0) >= 2**31 for t in terms)
    dtype = "int64" if wide else "int32"
    ptrs = [ctx.blob.add(t, dtype) for t in terms]
    return ptrs[0], ctx.blob.add(np.maximum(n, 0), "int32"), ptrs[1] if len(ptrs) > 1 else None, f"{dtype}_t"


def _store(ctx: LayerContext, target: str) -> str:
    """``target = `` the output integer of the requantized int64 ``v``."""
    nq, node, out = ctx.quant, ctx.node, ctx.out()
    if "lut" in nq:
        pre = TensorQuant.from_meta(nq["pre"])
        table = ctx.blob.add(np.asarray(nq["lut"]["table"]), ctx.dtypes[node.outputs[0]])
        return f"{target} = {table}[cm_clamp(v, {pre.qmin}, {pre.qmax}) + {int(nq['lut']['offset'])}];"
    a = ctx.attrs
    lo, hi = _clamp_bounds(a["activation"], list(a["activation_params"]), out)
    return f"{target} = ({ctx.ctype(node.outputs[0])})cm_clamp(v + {int(out.zero_point)}, {lo}, {hi});"


def epilogue(ctx: LayerContext, acc: str, ch: str, index: str, channels: int) -> str:
    """Statements storing the requantized ``acc`` of channel ``ch`` into ``y[index]`` (``res[index]`` is
    the residual)."""
    lines = ["{ int64_t v;"]
    for key in ("requant", "negative"):
        if key not in ctx.quant:
            continue
        m, s, mr, _ = _folded(ctx, key, channels)
        term = f"(int64_t){acc} * {m}[{ch}]" + (f" + (int64_t)res[{index}] * {mr}[{ch}]" if mr else "")
        value = f"v = cm_rshift({term}, {s}[{ch}]);"
        lines.append(value if key == "requant" else f"if (v < 0) {value}")
    return "\n".join([*lines, _store(ctx, f"y[{index}]")]) + " }"


def run(ctx: LayerContext, ch: str, count: str, acc: str, out: str, channels: int) -> str:
    """Requantize ``count`` consecutive accumulators from ``acc`` of channel ``ch`` into ``y + out``
    (the residual at ``res + out``), with the channel's constants hoisted out of the loop."""
    lines = [f"{{ {ctx.ctype(ctx.node.outputs[0])} *ry = y + ({out}); size_t q_;"]
    if _residual(ctx):
        lines.append(f"const {ctx.ctype(ctx.node.inputs[3])} *rx = res + ({out});")
    body = []
    for key in ("requant", "negative"):
        if key not in ctx.quant:
            continue
        m, s, mr, mt = _folded(ctx, key, channels)
        k = key[0]
        lines.append(f"const {mt} {k}m = {m}[{ch}]; const int {k}s = {s}[{ch}]; "
                     f"const int64_t {k}h = ((int64_t)1 << {k}s) >> 1;")
        term = f"(int64_t)({acc})[q_] * {k}m"
        if mr:
            lines.append(f"const {mt} {k}r = {mr}[{ch}];")
            term += f" + (int64_t)rx[q_] * {k}r"
        value = f"v = ({term} + {k}h) >> {k}s;"
        body.append(value if key == "requant" else f"if (v < 0) {value}")
    lines.append(f"for (q_ = 0; q_ < (size_t)({count}); q_++) {{ int64_t v; {' '.join(body)} "
                 f"{_store(ctx, 'ry[q_]')} }} }}")
    return "\n".join(lines)
