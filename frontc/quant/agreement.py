"""How closely a ``*_t`` graph's integers follow the fake-quant graph, layer by layer, in LSB.

For each integer tensor q with scale s, the reference is round(f / s) of the fake-quant value f
(exact: fake-quant values lie on the grid). ``cumulative``: both graphs run end to end;
``isolated``: each integer node reads the fake-quant values of its inputs, so its own
arithmetic alone is measured.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from frontc.interpreter import run
from frontc.interpreter.registry import call_kernel
from frontc.ir.graph import Graph
from frontc.ir.infer import node_attrs
from frontc.quant.annotations import TensorQuant, tensor_quant
from frontc.quant.quantize import quantize_values


@dataclass
class LayerAgreement:
    """One tensor: the largest |q_int - q_fake| and the share of exactly equal codes."""

    tensor: str
    op: str
    isolated_max: int
    isolated_exact: float
    cumulative_max: int
    cumulative_exact: float
    size: int


def _codes(value: np.ndarray, tq: TensorQuant) -> np.ndarray:
    return quantize_values(value, tq).astype(np.int64)


def lsb_agreement(fake: Graph, integer: Graph, feeds: Mapping[str, np.ndarray] | np.ndarray) -> list[LayerAgreement]:
    """Per integer tensor of ``integer``, its LSB distance to ``fake`` on ``feeds``."""
    fake_trace = run(fake, feeds, trace=True)
    int_trace = run(integer, feeds, trace=True)
    rows = []
    for node in integer.nodes:
        args = []
        for t in node.inputs:
            tq = tensor_quant(integer, t) if t and t not in integer.params and not integer.is_input(t) else None
            args.append(integer.params[t] if t in integer.params else
                        _codes(fake_trace[t], tq).astype(tq.dtype) if tq is not None else fake_trace.get(t))
        result = call_kernel(node, args, node_attrs(node))
        isolated = dict(zip(node.outputs, result if isinstance(result, list) else [result]))
        for t in node.outputs:
            tq = tensor_quant(integer, t)
            ref = _codes(fake_trace[t], tq)
            iso = np.abs(isolated[t].astype(np.int64) - ref)
            cum = np.abs(int_trace[t].astype(np.int64) - ref)
            rows.append(LayerAgreement(t, node.op, int(iso.max()), float((iso == 0).mean()),
                                       int(cum.max()), float((cum == 0).mean()), int(ref.size)))
    return rows


def summary(rows: list[LayerAgreement]) -> dict[str, float]:
    """Worst LSB distance and element-weighted exact share, isolated and cumulative."""
    total = sum(r.size for r in rows)
    return {"layers": len(rows),
            "isolated_max_lsb": max(r.isolated_max for r in rows),
            "isolated_exact": sum(r.isolated_exact * r.size for r in rows) / total,
            "cumulative_max_lsb": max(r.cumulative_max for r in rows),
            "cumulative_exact": sum(r.cumulative_exact * r.size for r in rows) / total}
