"""The Python API's editable per-layer config (hls4ml style): sections ``Model``, ``LayerType`` (by op)
and ``LayerName`` (by IR node), each entry ``{"Precision": "float32", "Quantization": ...}``.

``Quantization`` of ``Model``: None (a float model) or a mapping of ``strategy``, ``weight_quan``,
``weight_bits``, ``act_bits`` and the calibration ``observer``. Of a layer: None (as the level
above), False (the layer stays float) or a mapping of ``weight_quan``, ``weight_bits`` and
``act_bits`` overriding the model's. A layer entry applies to the node of the fused IR that carries
its name; a node fused into another (BatchNorm, ReLU...) takes no quantization of its own.
"""
from __future__ import annotations

import copy
from typing import Any

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

GRANULARITIES = ("model", "type", "name")
PRECISIONS = ("float32",)
SECTIONS = ("Model", "LayerType", "LayerName")
MODEL_QUANT = {"strategy": "symmetry_max", "weight_quan": "perchannel", "weight_bits": 8, "act_bits": 8,
               "observer": "minmax"}
LAYER_QUANT = ("weight_quan", "weight_bits", "act_bits")


def config_from_model(graph: Graph, granularity: str = "model") -> dict[str, Any]:
    """An editable config: the model's defaults, plus one entry per op type or per IR node name."""
    if granularity not in GRANULARITIES:
        raise OptionError(f"unknown granularity '{granularity}'", hint=f"choose one of {list(GRANULARITIES)}")
    layer = {"Precision": "float32", "Quantization": None}
    config: dict[str, Any] = {"Model": dict(layer)}
    if granularity == "type":
        config["LayerType"] = {op: dict(layer) for op in sorted({n.op for n in graph.nodes})}
    elif granularity == "name":
        config["LayerName"] = {n.name: {"Op": n.op, **layer} for n in graph.nodes}
    return config


def _check_quant(where: str, value: Any, model: bool) -> None:
    if value is None or (value is False and not model):
        return
    allowed = tuple(MODEL_QUANT) if model else LAYER_QUANT
    if not isinstance(value, dict):
        what = "null or a mapping" if model else "null, false (stays float) or a mapping"
        raise OptionError(f"config {where}: Quantization must be {what}, got {value!r}",
                          hint=f"keys: {list(allowed)}")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise OptionError(f"config {where}: Quantization has unknown keys {unknown}", hint=f"use {list(allowed)}")


def _check_layer(where: str, entry: Any, model: bool = False) -> None:
    if not isinstance(entry, dict):
        raise OptionError(f"config {where} must be a mapping, got {type(entry).__name__}")
    unknown = sorted(set(entry) - {"Precision", "Quantization", "Op"})
    if unknown:
        raise OptionError(f"config {where} has unknown keys {unknown}", hint="use Precision and Quantization")
    if entry.get("Precision", "float32") not in PRECISIONS:
        raise OptionError(f"config {where}: precision '{entry['Precision']}' is not available",
                          hint=f"choose one of {list(PRECISIONS)} (quantize with Quantization)")
    _check_quant(where, entry.get("Quantization"), model)


def check_config(graph: Graph, config: dict[str, Any]) -> None:
    """OptionError naming the first unknown section, key, node name or value of ``config``."""
    unknown = sorted(set(config) - set(SECTIONS))
    if unknown:
        raise OptionError(f"config has unknown sections {unknown}", hint=f"use {', '.join(SECTIONS)}")
    _check_layer("Model", config.get("Model", {}), model=True)
    names = {n.name for n in graph.nodes}
    for name, entry in config.get("LayerName", {}).items():
        if name not in names:
            raise OptionError(f"config LayerName '{name}' is not a node of graph '{graph.name}'",
                              hint="build the config with frontc.config_from_model(model, 'name')")
        _check_layer(f"LayerName '{name}'", entry)
    for op, entry in config.get("LayerType", {}).items():
        _check_layer(f"LayerType '{op}'", entry)


def apply_config(graph: Graph, config: dict[str, Any]) -> Graph:
    """A copy of ``graph`` whose nodes carry their resolved layer config in ``meta['config']``."""
    check_config(graph, config)
    out = graph.copy()
    for node in out.nodes:
        resolved: dict[str, Any] = {"Precision": "float32", "Quantization": None}
        for section in (config.get("Model", {}), config.get("LayerType", {}).get(node.op, {}),
                        config.get("LayerName", {}).get(node.name, {})):
            resolved.update({k: v for k, v in section.items() if k != "Op" and v is not None})
        node.meta["config"] = resolved
    return out


def quantization(config: dict[str, Any], fused: Graph) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(the model's quantization options, per-node overrides for ``quantize_graph(layers=...)``) of
    ``config`` over the fused IR ``fused``; None when the config quantizes nothing."""
    model = config.get("Model", {}).get("Quantization")
    if model is None:
        if any(e.get("Quantization") for s in ("LayerType", "LayerName") for e in config.get(s, {}).values()):
            raise OptionError("config quantizes layers but not the Model",
                              hint="set Model.Quantization (e.g. {'strategy': 'symmetry_max'})")
        return None
    options = {**MODEL_QUANT, **model}
    names = {n.name for n in fused.nodes}
    fused_into = {f["name"]: n.name for n in fused.nodes for f in n.meta.get("fused", [])}
    for name, entry in config.get("LayerName", {}).items():
        if entry.get("Quantization") is not None and name not in names:
            where = f"is fused into '{fused_into[name]}'" if name in fused_into else "is not in the fused IR"
            raise OptionError(f"config LayerName '{name}' sets Quantization but {where}",
                              hint="set it on the node of the fused IR that computes it")
    ops = {n.op for n in fused.nodes}
    for op, entry in config.get("LayerType", {}).items():
        if entry.get("Quantization") is not None and op not in ops:
            raise OptionError(f"config LayerType '{op}' sets Quantization but the fused IR has no {op} node",
                              hint=f"its op types: {sorted(ops)}")
    layers: dict[str, Any] = {}
    for node in fused.nodes:
        value: Any = None
        for section in (config.get("LayerType", {}).get(node.op, {}), config.get("LayerName", {}).get(node.name, {})):
            quant = section.get("Quantization")
            if quant is False:
                value = False
            elif quant is not None:
                value = {**(value or {}), **quant}
        if value is not None:
            layers[node.name] = None if value is False else copy.deepcopy(value)
    return options, layers
