"""How closely frontc's integers follow another runtime's integers on an imported model, per tensor.

The reference is the runtime's own integer tensors (ONNX Runtime's QuantizeLinear / QLinear*
outputs, TFLite's int8 tensors) on the same float inputs. ``cumulative``: frontc runs end to end;
``isolated``: each node reads the reference's integers (or, for a tensor the reference lacks, such as
the pool inside a TFLite MEAN, frontc's isolated result for it), so its own arithmetic alone is compared.
Every isolated difference is classified: the exact real value v (the node's float op on its
dequantized integer inputs, in float64, / s_out + zp_out) lies within ``TIE`` of a half-integer
(the runtimes round ties differently: frontc floor(v + 1/2) in exact fixed point, the reference
half to even in float32), or it does not (unexplained).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from frontc.interpreter import run
from frontc.interpreter.registry import call_kernel, get_kernel
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.quant.annotations import TensorQuant, node_quant, tensor_quant
from frontc.quant.integer import MOVES
from frontc.quant.quantize import quantize_values

TIE = 1e-3  # LSB: float32 requantization moves v by far less (|v| <= 2**15 * 2**-23 ~ 4e-3 only at 16 bits)


@dataclass
class TensorAgreement:
    """One integer tensor: exact shares and largest |frontc - reference| in LSB, and the isolated
    differences at ties (explained by the rounding rules) and elsewhere."""

    tensor: str
    op: str
    size: int
    cumulative_exact: float
    cumulative_max: int
    isolated_exact: float
    isolated_max: int
    ties: int
    unexplained: int


def agreement(graph: Graph, reference: Mapping[str, np.ndarray],
              feeds: Mapping[str, np.ndarray]) -> list[TensorAgreement]:
    """Per tensor of ``graph`` that ``reference`` holds (integer codes by IR tensor name)."""
    trace = run(graph, feeds, trace=True)
    codes = {name: quantize_values(value, tensor_quant(graph, name)).astype(np.int64)
             for name, value in feeds.items() if tensor_quant(graph, name) is not None}
    rows = []
    if codes:  # the inputs' own quantization: frontc floor(x / s + 1/2), the reference its Q rounding
        for name, q in codes.items():
            if name in reference:
                d = np.abs(q - reference[name].astype(np.int64))
                v = np.asarray(feeds[name], np.float64) / float(tensor_quant(graph, name).scale)
                ties, other = _classify(d, v)
                rows.append(TensorAgreement(name, "input", d.size, float((d == 0).mean()), int(d.max()),
                                            float((d == 0).mean()), int(d.max()), ties, other))
    fed: dict[str, list[np.ndarray]] = {}
    own: dict[str, np.ndarray] = {}  # isolated results, for readers of tensors the reference lacks
    for node in graph.nodes:  # inputs the reference lacks (frontc's own intermediates) come from frontc's trace
        args = [graph.params[t] if t in graph.params else _on_grid(graph, t, reference[t]) if graph.is_input(t)
                and t in reference else own.get(t, trace[t]) if t not in reference
                else reference[t].astype(trace[t].dtype) for t in node.inputs]
        fed[node.name] = args
        result = call_kernel(node, args, node_attrs(node))
        isolated = dict(zip(node.outputs, result if isinstance(result, list) else [result]))
        own.update(isolated)
        for t in node.outputs:
            if t not in reference:
                continue
            ref = reference[t].astype(np.int64)
            iso = np.abs(isolated[t].astype(np.int64) - ref)
            cum = np.abs(trace[t].astype(np.int64) - ref)
            ties, other = _classify(iso, _real(graph, node, t, fed)) if iso.any() else (0, 0)
            rows.append(TensorAgreement(t, node.op, ref.size, float((cum == 0).mean()), int(cum.max()),
                                        float((iso == 0).mean()), int(iso.max()), ties, other))
    return rows


def _on_grid(graph: Graph, name: str, codes: np.ndarray) -> np.ndarray:
    """Float inputs exactly on the reference's integers (the node quantizes them back to those integers)."""
    tq = tensor_quant(graph, name)
    return ((codes.astype(np.int64) - int(tq.zero_point)) * np.float32(tq.scale)).astype(np.float32)


def _classify(diff: np.ndarray, real: np.ndarray | None) -> tuple[int, int]:
    """(differences of one LSB at a tie of ``real``, all other differences)."""
    bad = diff != 0
    if real is None:
        return 0, int(bad.sum())
    frac = np.abs(real - np.floor(real) - 0.5)
    tie = bad & (diff == 1) & (frac <= TIE)
    return int(tie.sum()), int((bad & ~tie).sum())


def _real(graph: Graph, node: Node, tensor: str, fed: dict[str, list[np.ndarray]]) -> np.ndarray | None:
    """The exact real value v of ``tensor`` in LSB before rounding (None for ops that do not round); a move
    of a rounded tensor the reference lacks (TFLite's MEAN: pool, then Flatten) moves that tensor's v."""
    producer = graph.producer(node.inputs[0]) if node.inputs else None
    if node.op in MOVES and producer is not None and producer.name in fed:
        inner = _real(graph, producer, node.inputs[0], fed)
        return None if inner is None else get_kernel(node.op)([inner], node_attrs(node))
    args = fed[node.name]
    if node.op not in ("Conv", "Dense", "Add", "Mul", "Concat", "GlobalAvgPool", "AvgPool") \
            or node.attrs.get("activation") not in (None, "", "Relu", "Relu6", "Clip"):
        return None  # a fused clamp is monotone: where both sides differ, they differ in rounding v
    nq = node_quant(node)
    reals = []
    for i, (t, value) in enumerate(zip(node.inputs, args)):
        key = {1: "weight", 2: "bias"}.get(i) if node.op in ("Conv", "Dense") else None
        tq = TensorQuant.from_meta(nq[key]) if key in nq else tensor_quant(graph, t) if t else None
        if tq is None or graph.is_input(t):  # graph inputs arrive as floats on their grid
            reals.append(value)
            continue
        zp = tq.broadcast(np.asarray(tq.zero_point, np.float64), np.ndim(value))
        reals.append((np.asarray(value, np.float64) - zp) * tq.broadcast(np.asarray(tq.scale, np.float64),
                                                                            np.ndim(value)))
    attrs = {k: v for k, v in node_attrs(node).items() if k not in ("activation", "activation_params")}
    y = get_kernel(node.op)(reals, attrs)
    out = TensorQuant.from_meta(node_quant(node)["outputs"][tensor])
    return np.asarray(y, np.float64) / float(out.scale) + float(out.zero_point)


def summary(rows: list[TensorAgreement]) -> dict[str, float | int]:
    """Element-weighted exact shares, largest differences and the isolated differences' classes."""
    total = sum(r.size for r in rows)
    return {"tensors": len(rows), "elements": total,
            "cumulative_exact": sum(r.cumulative_exact * r.size for r in rows) / total,
            "cumulative_max_lsb": max(r.cumulative_max for r in rows),
            "isolated_exact": sum(r.isolated_exact * r.size for r in rows) / total,
            "isolated_max_lsb": max(r.isolated_max for r in rows),
            "isolated_ties": sum(r.ties for r in rows), "isolated_unexplained": sum(r.unexplained for r in rows)}
