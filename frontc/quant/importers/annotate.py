"""Annotate a float IR with quantization read from a model file (not calibrated): ``annotate_imported``.

The file fixes every activation's (scale, zero point) and every weight's and bias's integers; this
module writes them in the schema of ``frontc.quant.annotations`` and derives the integer execution
data (requantization multipliers, zero points to subtract) exactly as ``*_t`` quantization does, so
``frontc run`` and the C model execute the imported model in integers by frontc's one rounding rule.
Asymmetric inputs of Add/Concat/Mul list their zero points under ``zero_points``; a GlobalAvgPool
whose output scale differs from its input's carries a ``requant`` (sum -> output, one rounding).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from frontc.interpreter.registry import VARIANT_KEY
from frontc.ir.errors import ModelLoadError, UnsupportedOpError
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import OUT_DTYPES, infer_shapes
from frontc.ir.validate import lint
from frontc.quant.annotations import KEY, ROUNDING, VERSION, TensorQuant
from frontc.quant.fixed_point import multipliers
from frontc.quant.integer import INTEGER_OPS, MOVES
from frontc.quant.integer_params import integer_node
from frontc.quant.quantize import SCALE_PRESERVING, WEIGHT_AXIS, quantize_values

WeightQuant = tuple[TensorQuant, TensorQuant | None]  # (weight, bias) of a Conv/Dense, keyed by its output


def same(a: TensorQuant, b: TensorQuant) -> bool:
    """Whether two quantizations are the same grid."""
    return (a.bits, a.signed, a.narrow) == (b.bits, b.signed, b.narrow) \
        and np.array_equal(np.asarray(a.scale, np.float32), np.asarray(b.scale, np.float32)) \
        and np.array_equal(np.asarray(a.zero_point), np.asarray(b.zero_point))


def annotate_imported(graph: Graph, acts: dict[str, TensorQuant], weights: dict[str, WeightQuant], *,
                      source: str, path: str) -> None:
    """Annotate ``graph`` in place as an integer graph with the file's quantization (see module doc).
    ModelLoadError naming the tensor when the file leaves an activation in float or does what the
    integer path cannot (rescaling moves); UnsupportedOpError listing every op without an integer kernel."""
    missing: dict[str, list[str]] = {}
    for node in graph.nodes:
        if node.op not in INTEGER_OPS:
            missing.setdefault(node.op, []).append(node.name)
    if missing:
        what = "; ".join(f"{op} x{len(n)} ({', '.join(n[:3])})" for op, n in sorted(missing.items()))
        raise UnsupportedOpError(f"no integer kernel for {what}", path=path,
                                 hint="frontc's integer path executes "
                                      "Conv, Dense, Add, Mul, Concat, pools, clamps, tables, Softmax, moves")
    per_channel = any(np.ndim(w.scale) for w, _ in weights.values())
    gq: dict[str, Any] = {"version": VERSION, "strategy": source, "weight_quan": "perchannel" if per_channel
                          else "perlayer", "weight_bits": 8, "act_bits": 8, "rounding": ROUNDING,
                          "integer": True, "inputs": {}}
    graph.meta[KEY] = gq
    known: dict[str, TensorQuant] = {}
    for spec in graph.inputs:
        if np.issubdtype(np.dtype(spec.dtype), np.floating):
            known[spec.name] = _act(acts, spec.name, None, path)
            gq["inputs"][spec.name] = known[spec.name].to_meta()
    for node in graph.nodes:
        nq: dict[str, Any] = {"outputs": {}}
        for name in node.outputs:
            known[name] = _output(node, name, _ahead(graph, name, acts), known, path)
            nq["outputs"][name] = known[name].to_meta()
        read = {t: known[t].to_meta() for t in node.inputs if t in gq["inputs"]}
        if read:
            nq["inputs"] = read
        if node.op in ("Add", "Concat", "Mul"):
            zps = {t: known[t].zero_point for t in node.inputs if t in known and np.any(known[t].zero_point)}
            if zps:
                nq["zero_points"] = zps
        if node.op in WEIGHT_AXIS:
            _weighted(graph, node, nq, known, weights, path)
        if node.op == "GlobalAvgPool" and not same(known[node.inputs[0]], known[node.outputs[0]]):
            area = math.prod(graph.spec(node.inputs[0]).shape[2:])
            real = float(known[node.inputs[0]].scale) / (float(known[node.outputs[0]].scale) * area)
            nq["requant"] = multipliers(real)
            if np.any(known[node.inputs[0]].zero_point):
                nq["zero_points"] = {node.inputs[0]: known[node.inputs[0]].zero_point}
        integer_node(graph, node, nq, known, source)
        if nq.get("accumulator") == "int32" and np.any(known[node.inputs[0]].zero_point):
            _widen(graph, node, nq)
        node.meta[OUT_DTYPES] = [known[t].dtype for t in node.outputs]
        node.meta[KEY] = nq
        node.meta[VARIANT_KEY] = "integer"
    graph.remove_unused_params()
    infer_shapes(graph)
    lint(graph)


def _ahead(graph: Graph, name: str, acts: dict[str, TensorQuant]) -> dict[str, TensorQuant]:
    """``acts``, where ``name`` has no grid but moves (Flatten, Reshape...) carry it to a declared one,
    with that grid for ``name`` too (a float GlobalAvgPool -> Flatten -> QuantizeLinear: one rounding)."""
    tensor = name
    while tensor not in acts:
        users = graph.consumers(tensor)
        if len(users) != 1 or users[0].op not in MOVES or users[0].op == "MaxPool" or tensor in graph.outputs:
            return acts
        tensor = users[0].outputs[0]
    return acts if tensor == name else {**acts, name: acts[tensor]}


def _act(acts: dict[str, TensorQuant], name: str, node: Node | None, path: str) -> TensorQuant:
    if name not in acts:
        what = f"output of {node.op} node '{node.name}'" if node is not None else "graph input"
        raise ModelLoadError(f"tensor '{name}' ({what}) is not quantized in the model: it is computed in "
                             "float there, which frontc's integer path cannot represent", path=path,
                             hint="quantize every op of the model (e.g. op_types_to_quantize / "
                                  "QuantizeLinear after it)")
    return acts[name]


def _output(node: Node, name: str, acts: dict[str, TensorQuant], known: dict[str, TensorQuant],
            path: str) -> TensorQuant:
    """The output's quantization: the file's, or its input's for a move; a move must not rescale."""
    first = known.get(node.inputs[0]) if node.inputs else None
    if node.op in (*MOVES, *SCALE_PRESERVING) and node.op != "GlobalAvgPool" and first is not None:
        declared = acts.get(name, first)
        if not same(declared, first):
            raise ModelLoadError(f"{node.op} node '{node.name}' changes the quantization of '{node.inputs[0]}' "
                                 f"(scale {np.max(first.scale):.6g} -> {np.max(declared.scale):.6g}); frontc's "
                                 f"integer {node.op} keeps its input's grid", path=path,
                                 hint="quantize the op's output with its input's scale and zero point")
        return first
    return _act(acts, name, node, path)


def _weighted(graph: Graph, node: Node, nq: dict[str, Any], known: dict[str, TensorQuant],
              weights: dict[str, WeightQuant], path: str) -> None:
    out = node.outputs[0]
    w = graph.params.get(node.inputs[1]) if len(node.inputs) > 1 else None
    if out not in weights or w is None:
        raise ModelLoadError(f"{node.op} node '{node.name}' has weights that are not quantized constants",
                             path=path, hint="quantize its weights (DequantizeLinear of integer initializers)")
    wq, bq = weights[out]
    if np.ndim(wq.scale):
        wq = TensorQuant(wq.scale, wq.zero_point, wq.bits, wq.signed, wq.narrow, WEIGHT_AXIS[node.op])
    nq["x"] = known[node.inputs[0]].to_meta()
    nq["weight"] = wq.to_meta()
    has_bias = len(node.inputs) > 2 and node.inputs[2] in graph.params
    if has_bias:
        if bq is None:
            raise ModelLoadError(f"{node.op} node '{node.name}' has a float bias; frontc adds int32 bias codes",
                                 path=path, hint="quantize the bias (int32, scale input x weight)")
        nq["bias"] = bq.to_meta()
    _check_exact(graph, node, 1, wq, path)
    if has_bias:
        _check_exact(graph, node, 2, bq, path)


def _widen(graph: Graph, node: Node, nq: dict[str, Any]) -> None:
    """An asymmetric input spans up to 2**bits - 1 codes from its zero point: int64 when int32 may overflow."""
    x, w = TensorQuant.from_meta(nq["x"]), graph.params[node.inputs[1]]
    bias = np.abs(graph.params[node.inputs[2]]).max(initial=0) if "bias" in nq else 0
    if math.prod(w.shape[1:]) * (x.qmax - x.qmin) * int(np.abs(w).max(initial=0)) + int(bias) >= 2**31:
        nq["accumulator"] = "int64"


def _check_exact(graph: Graph, node: Node, index: int, tq: TensorQuant, path: str) -> None:
    """The float param (the file's integers dequantized) must give back those integers exactly."""
    value = graph.params[node.inputs[index]]
    q = quantize_values(value, tq).astype(np.int64)
    zp, scale = tq.broadcast(tq.zero_point, value.ndim), tq.broadcast(np.asarray(tq.scale, np.float32), value.ndim)
    back = ((q - zp).astype(np.float32) * scale).astype(np.float32)
    if np.abs(q).max(initial=0) >= 1 << 24 or not np.array_equal(back, value):
        raise ModelLoadError(f"the integers of '{node.inputs[index]}' ({node.op} node '{node.name}') do not "
                             "survive dequantization exactly", path=path,
                             hint="its scale or channel axis does not match the tensor")
