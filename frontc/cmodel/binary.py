"""C for Add/Sub/Mul/Div with broadcasting, as ``frontc.quant.integer.linear`` and ``multiply``.

Add/Sub: round((q_a m_a +- q_b m_b [+ offset]) / 2**n), one shared shift; Mul: round(q_a q_b m / 2**n);
Mul/Div by a constant: round(q_a m / 2**n) with the constant's signed multiplier and shift per element.
A shift n <= 0 is folded into the multipliers (numpy shifts the int64 sum left the same way) and the
offset is already at scale 2**-max(n, 0), so every form ends in ``cm_rshift(v, s)``, s >= 0.
Constant arrays (offsets, per-element multipliers and shifts) are operands broadcast like tensors.
"""
from __future__ import annotations

import numpy as np

from frontc.cmodel.context import LayerContext


def broadcast_loops(shapes: list[tuple[int, ...]], out: tuple[int, ...]) -> tuple[list[int], list[list[int]]]:
    """The output as few nested loops as broadcasting allows: (loop sizes, per operand the element
    stride of each loop, 0 where it is broadcast). Adjacent axes broadcast alike are merged."""
    rank = len(out)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    sizes: list[int] = []
    kinds: list[tuple[bool, ...]] = []
    for axis, size in enumerate(out):
        if size == 1:
            continue
        kind = tuple(s[axis] == size for s in padded)
        if kinds and kinds[-1] == kind:
            sizes[-1] *= size
        else:
            sizes.append(size)
            kinds.append(kind)
    strides = []
    for k in range(len(shapes)):
        step, own = 1, []
        for size, kind in zip(reversed(sizes), reversed(kinds)):
            own.append(step if kind[k] else 0)
            step *= size if kind[k] else 1
        strides.append(own[::-1])
    return sizes, strides


def _centered(ctx: LayerContext, tensor: str, k: int) -> str:
    """Operand k as int64, minus the zero point an imported asymmetric model lists for it."""
    zp = int(ctx.quant.get("zero_points", {}).get(tensor, 0))
    return f"((int64_t)x{k}[i{k}] - {zp})" if zp else f"(int64_t)x{k}[i{k}]"


def _folded(rq: dict, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(m << max(-n, 0), max(n, 0)) broadcast to ``shape``."""
    m = np.broadcast_to(np.asarray(rq["multiplier"], np.int64), shape)
    n = np.broadcast_to(np.asarray(rq["shift"], np.int64), shape)
    return m << np.maximum(-n, 0), np.maximum(n, 0)


def binary(ctx: LayerContext) -> str:
    """Add/Sub/Mul/Div of computed tensors and at most one constant, with broadcasting."""
    node, nq = ctx.node, ctx.quant
    const = nq.get("constant")
    computed = [t for i, t in enumerate(node.inputs) if i != const]
    c_shape = tuple(np.shape(ctx.graph.params[node.inputs[const]])) if const is not None else ()
    y, out = node.outputs[0], ctx.out()
    shapes = [ctx.shape(t) for t in computed]
    lines = [f"const {ctx.ctype(t)} *x{k} = {ctx.ptr(t)};" for k, t in enumerate(computed)]

    def array(name: str, values: np.ndarray, dtype: str) -> str:
        """A literal when every element is the same, else a blob operand shaped as the constant."""
        if values.size and np.all(values == values.flat[0]):
            return f"(int64_t){int(values.flat[0])}"
        shapes.append(c_shape)
        lines.append(f"const {dtype}_t *{name} = {ctx.blob.add(values, dtype)};")
        return f"{name}[i{len(shapes) - 1}]"

    if node.op in ("Add", "Sub"):
        folded = [_folded(nq["rescale"][t], ()) for t in computed]
        terms = [f"{_centered(ctx, t, k)} * (int64_t){int(m)}" for k, (t, (m, _)) in enumerate(zip(computed, folded))]
        if const is not None:
            terms.append(array("offset", np.broadcast_to(np.asarray(nq["offset"], np.int64), c_shape), "int64"))
        value = f"cm_rshift({' + '.join(terms)}, {int(folded[0][1])})"
    elif const is None:
        m, s = _folded(nq["requant"], ())
        a, b = (_centered(ctx, t, k) for k, t in enumerate(computed))
        value = f"cm_rshift({a} * {b} * (int64_t){int(m)}, {int(s)})"
    else:
        m, s = _folded(nq["requant"], c_shape)
        a = _centered(ctx, computed[0], 0)
        value = f"cm_rshift({a} * {array('mul', m, 'int64')}, (int){array('shift', s, 'int32')})"
    sizes, strides = broadcast_loops(shapes, ctx.shape(y))
    loops = "".join(f"for (d{d} = 0; d{d} < {size}; d{d}++) " for d, size in enumerate(sizes))
    index = ", ".join(f"i{k} = " + " + ".join([f"d{d} * {st}" for d, st in enumerate(own) if st] or ["0"])
                      for k, own in enumerate(strides))
    counters = "".join(f", d{d}" for d in range(len(sizes)))
    lines.append(f"{ctx.ctype(y)} *y = {ctx.ptr(y, const=False)};")
    lines.append(f"size_t o = 0{counters};\n{loops}{{ size_t {index};\n"
                 f"  y[o++] = ({ctx.ctype(y)})cm_clamp({value} + {int(out.zero_point)}, {out.qmin}, {out.qmax}); }}")
    return "\n".join(lines)
