"""``quantize_graph``: annotate a copy of a fused IR with a strategy's quantization.

The calibration table is a mapping ``{tensor name: {"min": float, "max": float,
"threshold": float (optional)}}`` with an entry for every graph input and every float node
output, except outputs of scale-preserving ops (pools, reshapes, ReLU...), which take their
input's quantization. Fake-quant strategies keep the float params and mark each node with the
``fake_quant`` kernel variant; ``*_t`` strategies replace weights and biases by their int8/int32
values and mark each node ``integer`` (see ``frontc.quant.integer``).

``layers`` overrides the options per node name (fake-quant strategies only): a mapping of
``weight_quan``, ``weight_bits`` and ``act_bits``, or None to keep the node in float. A weighted
node reading a float node's output quantizes that input itself (its ``x`` annotation).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from frontc.interpreter.registry import VARIANT_KEY
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import OUT_DTYPES, infer_shapes, node_attrs
from frontc.ir.validate import lint
from frontc.quant import strategies
from frontc.quant.annotations import KEY, ROUNDING, VERSION, TensorQuant
from frontc.quant.integer_params import integer_node
from frontc.quant.table import CalibrationTable

Table = Mapping[str, Mapping[str, float]]
Layers = Mapping[str, "Mapping[str, Any] | None"]
LAYER_OPTIONS = ("weight_quan", "weight_bits", "act_bits")

# ops whose output takes the quantization of their first input
SCALE_PRESERVING = ("MaxPool", "GlobalMaxPool", "AvgPool", "GlobalAvgPool", "Flatten", "Reshape", "Transpose",
                    "Squeeze", "Unsqueeze", "Identity", "Dropout", "Relu", "Relu6", "Clip", "Resize", "Slice",
                    "Split", "SpaceToDepth", "DepthToSpace")
# the weight's output-channel axis for per-channel quantization (ConvTranspose: W is (C_in, C_out / group,
# ...), so output channel g * C_out / group + j takes scale j; see ``output_groups``)
WEIGHT_AXIS = {"Conv": 0, "Dense": 0, "ConvTranspose": 1}


def quantize_graph(graph: Graph, table: Table | CalibrationTable, strategy: str = "symmetry_max", *,
                   weight_quan: str = "perlayer", weight_bits: int = 8, act_bits: int = 8,
                   layers: Layers | None = None) -> Graph:
    """An annotated copy of ``graph`` (a fused IR) quantized by ``strategy`` from the calibration ``table``
    (a mapping, or a ``CalibrationTable``, which must have been made for this graph); ``layers``
    overrides the options of single nodes (see the module's docstring)."""
    strategies.check_options(strategy, weight_quan, weight_bits, act_bits)
    lint(graph)
    if isinstance(table, CalibrationTable):
        table.check(graph)
        table = {name: {"min": r.min, "max": r.max, "threshold": r.threshold} for name, r in table.tensors.items()}
    out = graph.copy()
    annotate(out, table, strategy, weight_quan=weight_quan, weight_bits=weight_bits, act_bits=act_bits,
             layers=layers)
    return out


def layer_options(graph: Graph, strategy: str, defaults: dict[str, Any], layers: Layers | None
                  ) -> dict[str, dict[str, Any] | None]:
    """Each node's options (``defaults`` updated by its ``layers`` entry; None: stays float), checked."""
    layers = layers or {}
    names = {node.name for node in graph.nodes}
    for name, entry in layers.items():
        if name not in names:
            raise OptionError(f"per-layer quantization names '{name}', which is not a node of '{graph.name}'",
                              hint="name nodes of the fused IR (frontc info lists them)")
        if entry is not None and not isinstance(entry, Mapping):
            raise OptionError(f"per-layer quantization of '{name}' must be a mapping or null (float), "
                              f"got {type(entry).__name__}")
        unknown = sorted(set(entry or {}) - set(LAYER_OPTIONS))
        if unknown:
            raise OptionError(f"per-layer quantization of '{name}' has unknown keys {unknown}",
                              hint=f"use {list(LAYER_OPTIONS)}")
        if strategy.endswith("_t") and (entry is None or any(entry[k] != defaults[k] for k in entry)):
            raise OptionError(f"{strategy} executes the whole graph in integers at one bit width; the override "
                              f"of layer '{name}' needs a fake-quant strategy", hint=f"use {strategy[:-2]}")
    resolved: dict[str, dict[str, Any] | None] = {}
    for node in graph.nodes:
        entry = layers.get(node.name, {})
        resolved[node.name] = None if entry is None else {**defaults, **entry}
        if entry:
            options = resolved[node.name]
            strategies.check_options(strategy, options["weight_quan"], options["weight_bits"], options["act_bits"])
    return resolved


def annotate(graph: Graph, table: Table, strategy: str, *, weight_quan: str = "perlayer",
             weight_bits: int = 8, act_bits: int = 8, layers: Layers | None = None) -> None:
    """Quantize ``graph`` in place (see ``quantize_graph``)."""
    defaults = {"weight_quan": weight_quan, "weight_bits": weight_bits, "act_bits": act_bits}
    options = layer_options(graph, strategy, defaults, layers)
    if strategy.endswith("_t"):
        from frontc.quant.integer import check_supported
        check_supported(graph, strategy)
    integer = strategy.endswith("_t")
    gq: dict[str, Any] = {"version": VERSION, "strategy": strategy, **defaults, "rounding": ROUNDING,
                          "integer": integer, "inputs": {}}
    if layers:
        gq["layers"] = {name: None if entry is None else dict(entry) for name, entry in sorted(layers.items())}
    graph.meta[KEY] = gq
    if strategy == "null":
        return
    acts: dict[str, TensorQuant] = {}
    for spec in graph.inputs:
        if np.issubdtype(np.dtype(spec.dtype), np.floating):
            acts[spec.name] = strategies.activation(strategy, _entry(table, spec.name, None), act_bits)
            gq["inputs"][spec.name] = acts[spec.name].to_meta()
    for node in graph.nodes:
        opts = options[node.name]
        if opts is None:
            continue  # stays float: no annotation, its outputs are not quantized
        nq: dict[str, Any] = {"outputs": {}}
        first = node.inputs[0] if node.inputs else ""
        for name in node.outputs:
            if not np.issubdtype(np.dtype(graph.spec(name).dtype), np.floating):
                continue
            if node.op in SCALE_PRESERVING and first in acts:
                acts[name] = acts[first]
            else:
                acts[name] = strategies.activation(strategy, _entry(table, name, node), opts["act_bits"])
            nq["outputs"][name] = acts[name].to_meta()
        read = {t: acts[t].to_meta() for t in node.inputs if t in gq["inputs"]}
        if read:
            nq["inputs"] = read
        if node.op in WEIGHT_AXIS and len(node.inputs) > 1 and node.inputs[1] in graph.params:
            producer = graph.producer(first)
            x = acts.get(first)
            if x is None and producer is not None and options[producer.name] is None:
                x = strategies.activation(strategy, _entry(table, first, producer), opts["act_bits"])
            if x is not None:
                _weights(graph, node, nq, x, strategy, opts["weight_quan"], opts["weight_bits"])
        if integer:
            integer_node(graph, node, nq, acts, strategy)
            node.meta[OUT_DTYPES] = [TensorQuant.from_meta(nq["outputs"][t]).dtype for t in node.outputs]
        node.meta[KEY] = nq
        node.meta[VARIANT_KEY] = "integer" if integer else "fake_quant"
    graph.remove_unused_params()
    infer_shapes(graph)
    lint(graph)


def _weights(graph: Graph, node: Node, nq: dict[str, Any], x: TensorQuant, strategy: str,
             weight_quan: str, bits: int) -> None:
    w = graph.params[node.inputs[1]]
    axis = WEIGHT_AXIS[node.op] if weight_quan == "perchannel" else None
    wq = strategies.weight(strategy, w, bits, axis)
    groups = output_groups(node) if axis is not None else 1
    has_bias = len(node.inputs) > 2 and node.inputs[2] in graph.params
    if has_bias:
        wq = strategies.bias_safe(wq, graph.params[node.inputs[2]], float(x.scale), strategy, groups)
    nq["x"] = x.to_meta()
    nq["weight"] = wq.to_meta()
    if has_bias:
        nq["bias"] = strategies.bias(float(x.scale), np.tile(wq.scale, groups) if groups > 1 else wq.scale).to_meta()


def output_groups(node: Node) -> int:
    """How many times a per-channel weight scale repeats over the output channels: a grouped
    ConvTranspose's W axis 1 holds the C_out / group channels of one group (ONNX's DequantizeLinear
    axis 1 means the same), every other weighted op 1."""
    return int(node_attrs(node)["group"]) if node.op == "ConvTranspose" else 1


def _entry(table: Table, tensor: str, node: Node | None) -> Mapping[str, float]:
    where = f" (output of node '{node.name}')" if node is not None else " (graph input)"
    entry = table.get(tensor)
    if entry is None:
        raise OptionError(f"the calibration table has no entry for tensor '{tensor}'{where}",
                          hint="calibrate this graph (frontc calibrate) or give its table")
    if "min" not in entry or "max" not in entry:
        raise OptionError(f"calibration entry of '{tensor}' needs 'min' and 'max', has {sorted(entry)}")
    return entry


def fake_quantize(x: np.ndarray, tq: TensorQuant) -> np.ndarray:
    """(clip(round(x / s) + zp, qmin, qmax) - zp) * s, in x's float dtype, by the rounding rule."""
    dtype = x.dtype.type
    scale = np.asarray(tq.broadcast(tq.scale, x.ndim), dtype=x.dtype)
    zp = np.asarray(tq.broadcast(tq.zero_point, x.ndim), dtype=x.dtype)
    q = np.clip(np.floor(x / scale + dtype(0.5)) + zp, dtype(tq.qmin), dtype(tq.qmax))
    return ((q - zp) * scale).astype(x.dtype, copy=False)


def codes(x: np.ndarray, tq: TensorQuant) -> np.ndarray:
    """q - zp as float32 integers: clip(floor(x / s + 1/2), qmin - zp, qmax - zp), per channel along the axis."""
    scale = np.asarray(tq.broadcast(tq.scale, x.ndim), np.float32)
    zp = np.asarray(tq.broadcast(tq.zero_point, x.ndim), np.float32)
    low, high = (np.float32(tq.qmin) - zp).astype(np.float32), (np.float32(tq.qmax) - zp).astype(np.float32)
    return np.clip(np.floor(x.astype(np.float32) / scale + np.float32(0.5)), low, high).astype(np.float32)


def accumulator_scale(nq: dict[str, Any], groups: int = 1) -> np.ndarray:
    """float32(s_x * s_w), per output channel (per-channel scales repeated ``groups`` times, see
    ``output_groups``) or scalar (as a 1-d array), of a weighted node."""
    x, w = TensorQuant.from_meta(nq["x"]), TensorQuant.from_meta(nq["weight"])
    scale = np.atleast_1d(np.float32(float(x.scale) * np.asarray(w.scale, np.float64)))
    return np.tile(scale, groups) if scale.size > 1 else scale


def quantize_values(x: np.ndarray, tq: TensorQuant) -> np.ndarray:
    """The integers clip(round(x / s) + zp, qmin, qmax) of float ``x``, as ``tq.dtype``."""
    scale = np.asarray(tq.broadcast(tq.scale, x.ndim), dtype=np.float32 if x.dtype == np.float32 else np.float64)
    q = np.floor(x / scale + scale.dtype.type(0.5)) + tq.broadcast(tq.zero_point, x.ndim)
    return np.clip(q, tq.qmin, tq.qmax).astype(tq.dtype)
