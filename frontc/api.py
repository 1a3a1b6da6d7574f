"""The Python API in the hls4ml spirit: ``convert`` a model into a ``Model`` that compiles, predicts
in any runtime, traces per layer by IR name, and takes an editable per-layer ``config``."""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

GRANULARITIES = ("model", "type", "name")
PRECISIONS = ("float32",)
SUFFIXES = {".onnx": "onnx", ".h5": "tf", ".keras": "tf", ".pb": "tf", ".pt": "torch", ".pth": "torch",
            ".json": "mxnet"}


def detect_framework(model: Any) -> str:
    """The frontend for ``model``: by the module its class comes from, or by a file's suffix."""
    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        if path.name.endswith("_graph.json"):
            return "ir"
        if path.is_dir():
            return "tf"  # a SavedModel folder
        if path.suffix in SUFFIXES:
            return SUFFIXES[path.suffix]
        raise OptionError(f"cannot tell the framework of '{model}' from its name",
                          hint="pass framework='torch' | 'tf' | 'mxnet' | 'onnx'")
    if isinstance(model, Graph):
        return "ir"
    roots = {"torch": "torch", "keras": "tf", "tensorflow": "tf", "mxnet": "mxnet", "onnx": "onnx"}
    found = next((roots[c.__module__.split(".")[0]] for c in type(model).__mro__
                  if c.__module__.split(".")[0] in roots), None)
    if found is None:
        raise OptionError(f"cannot tell the framework of a {type(model).__name__} object",
                          hint="pass framework='torch' | 'tf' | 'mxnet' | 'onnx'")
    return found


def config_from_model(model: Model | Graph, granularity: str = "model") -> dict[str, Any]:
    """An editable config: the model's defaults, plus one entry per op type or per IR node name."""
    graph = model.graph if isinstance(model, Model) else model
    if granularity not in GRANULARITIES:
        raise OptionError(f"unknown granularity '{granularity}'", hint=f"choose one of {list(GRANULARITIES)}")
    layer = {"Precision": "float32", "Quantization": None}
    config: dict[str, Any] = {"Model": dict(layer)}
    if granularity == "type":
        config["LayerType"] = {op: dict(layer) for op in sorted({n.op for n in graph.nodes})}
    elif granularity == "name":
        config["LayerName"] = {n.name: {"Op": n.op, **layer} for n in graph.nodes}
    return config


def _check_layer(where: str, entry: Any) -> None:
    if not isinstance(entry, dict):
        raise OptionError(f"config {where} must be a mapping, got {type(entry).__name__}")
    unknown = sorted(set(entry) - {"Precision", "Quantization", "Op"})
    if unknown:
        raise OptionError(f"config {where} has unknown keys {unknown}", hint="use Precision and Quantization")
    if entry.get("Precision", "float32") not in PRECISIONS:
        raise OptionError(f"config {where}: precision '{entry['Precision']}' is not available",
                          hint=f"choose one of {list(PRECISIONS)}")
    if entry.get("Quantization") is not None:
        raise OptionError(f"config {where}: quantization through the config is not supported yet",
                          hint="set Quantization to null; quantize the fused IR with frontc quantize")


def apply_config(graph: Graph, config: dict[str, Any]) -> Graph:
    """A copy of ``graph`` whose nodes carry their resolved layer config in ``meta['config']``."""
    unknown = sorted(set(config) - {"Model", "LayerType", "LayerName"})
    if unknown:
        raise OptionError(f"config has unknown sections {unknown}", hint="use Model, LayerType, LayerName")
    _check_layer("Model", config.get("Model", {}))
    names = {n.name for n in graph.nodes}
    for name, entry in config.get("LayerName", {}).items():
        if name not in names:
            raise OptionError(f"config LayerName '{name}' is not a node of graph '{graph.name}'",
                              hint="build the config with frontc.config_from_model(model, 'name')")
        _check_layer(f"LayerName '{name}'", entry)
    for op, entry in config.get("LayerType", {}).items():
        _check_layer(f"LayerType '{op}'", entry)
    out = graph.copy()
    for node in out.nodes:
        resolved = {"Precision": "float32", "Quantization": None}
        for section in (config.get("Model", {}), config.get("LayerType", {}).get(node.op, {}),
                        config.get("LayerName", {}).get(node.name, {})):
            resolved.update({k: v for k, v in section.items() if k != "Op"})
        node.meta["config"] = resolved
    return out


class Model:
    """A converted model: ``graph`` (IR_for_reconstruct), ``config``, and what runs it."""

    def __init__(self, graph: Graph, config: dict[str, Any]) -> None:
        self.graph = graph
        self.config = config
        self._runners: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"frontc.Model({self.graph!r})"

    def compile(self, output_dir: str | os.PathLike, *, force: bool = False) -> list[Path]:
        """Write IR_for_reconstruct and IR_fused_for_CModel (JSON, NPZ, PNG, report) into ``output_dir``."""
        from frontc.compiler import compile_graph, write_ir

        return write_ir(compile_graph(self.graph), output_dir, overwrite=force)

    def _batches(self, x: np.ndarray | dict[str, np.ndarray]) -> tuple[list[dict[str, np.ndarray]], int]:
        feeds = x if isinstance(x, dict) else {self.graph.inputs[0].name: x}
        sizes = {np.shape(v)[0] for v in feeds.values()}
        if len(sizes) != 1:
            raise OptionError(f"the inputs have different batch sizes {sorted(sizes)}")
        total, batch = sizes.pop(), self.graph.inputs[0].shape[0]
        chunks = []
        for start in range(0, total, batch):
            chunk = {}
            for name, value in feeds.items():
                part = np.asarray(value[start:start + batch])
                if len(part) < batch:  # pad the last batch; its padding rows are dropped again
                    part = np.concatenate([part, np.repeat(part[-1:], batch - len(part), axis=0)])
                chunk[name] = part
            chunks.append(chunk)
        return chunks, total

    def predict(self, x: np.ndarray | dict[str, np.ndarray], backend: str = "interpreter") -> Any:
        """The model's outputs on ``x`` (any number of rows, run in batches of the graph's batch size)
        in ``backend``: interpreter, torch, tf, tflite, onnxruntime, mxnet or tvm. One output: an
        array; several: a dict by IR output name."""
        from frontc.runtimes import check_runtime, prepare

        key = check_runtime(backend)
        if key not in self._runners:
            self._runners[key] = prepare(key, self.graph)
        chunks, total = self._batches(x)
        results = [self._runners[key](chunk) for chunk in chunks]
        outputs = {name: np.concatenate([r[name] for r in results])[:total] for name in self.graph.outputs}
        return outputs[self.graph.outputs[0]] if len(outputs) == 1 else outputs

    def trace(self, x: np.ndarray | dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Every IR tensor (node outputs by IR name) on ``x``, from the interpreter, nothing rebuilt."""
        from frontc.interpreter import run

        chunks, total = self._batches(x)
        runs = [run(self.graph, chunk, trace=True) for chunk in chunks]
        return {name: np.concatenate([r[name] for r in runs])[:total] for name in runs[0]
                if name not in self.graph.input_names}


def convert(model_or_path: Any, framework: str | None = None,
            input_shapes: dict[str, Any] | None = None, *, config: dict[str, Any] | None = None,
            **options: Any) -> Model:
    """Import a model (object, file, IR graph or zoo name) through its frontend and the reconstruct
    pipeline into a ``Model``; ``config`` (from ``config_from_model``, edited) is applied to it."""
    from frontc.frontends import load
    from frontc.ir import load_graph
    from frontc.passes import run_pipeline

    framework = framework or detect_framework(model_or_path)
    if framework == "ir":
        graph = model_or_path if isinstance(model_or_path, Graph) else load_graph(model_or_path)
        graph = copy.deepcopy(graph)
    else:
        graph, _ = run_pipeline(load(model_or_path, framework, input_shapes=input_shapes, **options),
                                "reconstruct")
    config = copy.deepcopy(config) if config is not None else config_from_model(graph)
    return Model(apply_config(graph, config), config)
