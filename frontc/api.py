"""The Python API in the hls4ml spirit: ``convert`` a model into a ``Model`` that compiles, predicts
in any runtime, traces per layer by IR name, and takes an editable per-layer ``config``."""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import numpy as np

from frontc import api_config
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

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
    """An editable config (see ``frontc.api_config``): the model's defaults, plus one entry per op type
    (``granularity="type"``) or per IR node name (``"name"``)."""
    return api_config.config_from_model(model.graph if isinstance(model, Model) else model, granularity)


class Model:
    """A converted model: ``graph`` (IR_for_reconstruct), ``config``, and what runs it; after
    ``quantize``, ``quantized`` holds the annotated fused IR that ``predict`` and ``trace`` run."""

    def __init__(self, graph: Graph, config: dict[str, Any], quantized: Graph | None = None,
                 flow_options: dict[str, Any] | None = None) -> None:
        self.graph = graph
        self.config = config
        self.quantized = quantized
        self._flow_options = flow_options
        self._runners: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"frontc.Model({self.graph!r}{', quantized' if self.quantized is not None else ''})"

    def quantize(self, calibration: np.ndarray, *, config: dict[str, Any] | None = None,
                 backend: str = "onnxruntime") -> Model:
        """A new Model whose fused IR is quantized as ``config`` (default: this model's) says, calibrated
        on the inputs ``calibration`` (N rows) with the config's observer in ``backend``."""
        from frontc.datasets.images import MemoryInputs
        from frontc.passes import run_pipeline
        from frontc.quant import quantize_graph
        from frontc.quant.calibrate import calibrate
        from frontc.quant.strategies import check_options

        config = copy.deepcopy(self.config if config is None else config)
        api_config.check_config(self.graph, config)
        fused, _ = run_pipeline(self.graph, "cmodel")
        resolved = api_config.quantization(config, fused)
        if resolved is None:
            raise OptionError("the config quantizes nothing", hint="set config['Model']['Quantization'], e.g. "
                              "{'strategy': 'symmetry_max', 'weight_quan': 'perchannel'}")
        options, layers = resolved
        check_options(options["strategy"], options["weight_quan"], options["weight_bits"], options["act_bits"])
        if len(fused.inputs) != 1:
            raise OptionError(f"calibration through the API takes single-input graphs; '{fused.name}' has "
                              f"{len(fused.inputs)}", hint="calibrate with frontc calibrate and a table")
        spec, calibration = fused.inputs[0], np.asarray(calibration)
        if calibration.ndim != len(spec.shape) or calibration.shape[1:] != tuple(spec.shape[1:]) \
                or not len(calibration) or not np.issubdtype(calibration.dtype, np.number):
            raise OptionError(f"calibration data of shape {list(calibration.shape)} ({calibration.dtype}) does "
                              f"not hold inputs of shape {list(spec.shape[1:])} for '{spec.name}'",
                              hint="pass a numeric array of shape (N, *input shape without batch)")
        table, _ = calibrate(fused, MemoryInputs([calibration]), options["observer"],
                             bits=options["act_bits"], backend=backend, progress=False)
        ranges = {name: {"min": r.min, "max": r.max, "threshold": r.threshold} for name, r in table.tensors.items()}
        flow = {"table": ranges, "layers": layers or None,
                **{k: options[k] for k in ("strategy", "weight_quan", "weight_bits", "act_bits")}}
        quantized = quantize_graph(fused, table, flow["strategy"], weight_quan=flow["weight_quan"],
                                   weight_bits=flow["weight_bits"], act_bits=flow["act_bits"], layers=flow["layers"])
        return Model(api_config.apply_config(self.graph, config), config, quantized, flow)

    def compile(self, output_dir: str | os.PathLike, *, force: bool = False) -> list[Path]:
        """Write IR_for_reconstruct and IR_fused_for_CModel (and IR_quant for a quantized model: JSON,
        NPZ, PNG, report) into ``output_dir``."""
        from frontc.compiler import DEFAULT_FLOWS, compile_graph, write_ir

        if self.quantized is None:
            return write_ir(compile_graph(self.graph), output_dir, overwrite=force)
        result = compile_graph(self.graph, flows=(*DEFAULT_FLOWS, "quantize"), options={"quantize": self._flow_options})
        return write_ir(result, output_dir, overwrite=force)

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
        in ``backend``: interpreter, torch, tf, tflite, onnxruntime, mxnet, tvm (float and fake-quant
        models) or cmodel (``*_t`` models). One output: an array; several: a dict by IR output name."""
        from frontc.runtimes import check_runtime, prepare, runtime_graph

        key = check_runtime(backend)
        if key not in self._runners:
            graph = runtime_graph(self.graph if self.quantized is None else self.quantized, key)
            if graph is None:
                raise OptionError(f"backend '{backend}' does not run this model ("
                                  f"{'a *_t integer' if self.quantized is not None else 'a float'} graph)",
                                  hint="integer graphs run in interpreter and cmodel; the others anywhere else")
            self._runners[key] = prepare(key, graph)
        chunks, total = self._batches(x)
        results = [self._runners[key](chunk) for chunk in chunks]
        outputs = {name: np.concatenate([r[name] for r in results])[:total] for name in self.graph.outputs}
        return outputs[self.graph.outputs[0]] if len(outputs) == 1 else outputs

    def trace(self, x: np.ndarray | dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Every IR tensor (node outputs by IR name) on ``x``, from the interpreter, nothing rebuilt; for
        a quantized model the fused IR's tensors, as float values (integers times their scales)."""
        from frontc.interpreter import run
        from frontc.quant import dequantize

        graph = self.graph if self.quantized is None else self.quantized
        chunks, total = self._batches(x)
        runs = [dequantize(graph, run(graph, chunk, trace=True)) for chunk in chunks]
        return {name: np.concatenate([r[name] for r in runs])[:total] for name in runs[0]
                if name not in graph.input_names}


def convert(model_or_path: Any, framework: str | None = None,
            input_shapes: dict[str, Any] | None = None, *, config: dict[str, Any] | None = None,
            calibration: np.ndarray | None = None, **options: Any) -> Model:
    """Import a model (object, file, IR graph or zoo name) through its frontend and the reconstruct
    pipeline into a ``Model``; ``config`` (from ``config_from_model``, edited) is applied to it, and
    a config with ``Model.Quantization`` quantizes it, calibrated on the inputs ``calibration``."""
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
    model = Model(api_config.apply_config(graph, config), config)
    if config.get("Model", {}).get("Quantization") is None:
        return model
    if calibration is None:
        raise OptionError("the config quantizes the model (Model.Quantization): calibration data is needed",
                          hint="pass calibration=X, an array of N inputs")
    return model.quantize(calibration)
