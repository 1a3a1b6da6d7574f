"""Every runtime an IR can be executed in, behind one call: ``prepare(runtime, graph)`` builds the
model once (reconstruction, export, compilation) and returns a runner ``feeds -> outputs`` by IR
names, in the IR layout. Frameworks are imported only by the runtime asked for."""
from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

Runner = Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]
RUNTIMES = ("interpreter", "torch", "tf", "tflite", "onnxruntime", "mxnet", "tvm")  # run float IRs
INTEGER_RUNTIMES = ("interpreter", "cmodel")  # run *_t-quantized IRs in integers (outputs as float values)
NCHW_TO_NHWC, NHWC_TO_NCHW = (0, 2, 3, 1), (0, 3, 1, 2)


THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TVM_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
                    "TF_NUM_INTEROP_THREADS", "MXNET_CPU_WORKER_NTHREADS")


def limit_threads(count: int) -> None:
    """Let every runtime built afterwards in this process use ``count`` CPU threads (for latencies
    comparable across runtimes); call it before any framework is imported."""
    if count < 1:
        raise OptionError(f"--threads {count} must be at least 1")
    for name in THREAD_VARIABLES:
        os.environ[name] = str(count)


def _threads() -> int:
    return int(os.environ.get("OMP_NUM_THREADS", "0"))


def _interpreter(graph: Graph) -> Runner:
    from frontc.interpreter import run
    from frontc.quant import dequantize

    return lambda feeds: dequantize(graph, run(graph, feeds))


def _cmodel(graph: Graph) -> Runner:
    """The C model of a ``*_t``-quantized IR, emitted and built with the system C compiler into a
    temporary folder (removed once loaded), batched inside C."""
    import tempfile
    from pathlib import Path

    from frontc.cmodel.binding import CModel
    from frontc.cmodel.build import build
    from frontc.cmodel.emit import emit
    from frontc.interpreter import check_feeds
    from frontc.quant import dequantize

    source = emit(graph)
    with tempfile.TemporaryDirectory(prefix="frontc-cmodel-") as tmp:
        for name, data in source.files.items():
            (Path(tmp) / name).write_bytes(data)
        build(tmp)
        model = CModel(tmp)  # the library and the weights are loaded: the folder can go
    return lambda feeds: dequantize(graph, model.predict(check_feeds(graph, feeds)))


def _torch(graph: Graph) -> Runner:
    import torch

    from frontc.backends.torch import run_torch, to_torch

    if _threads():
        torch.set_num_threads(_threads())
    module = to_torch(graph)
    return lambda feeds: run_torch(module, feeds)


def _tf(graph: Graph) -> Runner:
    from frontc.backends.tf import run_keras, to_keras

    model = to_keras(graph)
    return lambda feeds: run_keras(model, feeds)


def _tflite_order(details: list[dict], names: list[str], what: str) -> list[dict]:
    """``details`` in the order of the IR's ``names``: inputs keep the IR names (``serving_default_`` and
    ``:0`` aside); outputs come as Identity, Identity_1... in the frozen function's output order."""
    def key(detail: dict) -> str:
        return detail["name"].removeprefix("serving_default_").split(":")[0]

    if what == "input":
        by_name = {key(d): d for d in details}
        if set(by_name) == set(names):
            return [by_name[n] for n in names]
    else:
        index = {key(d): d for d in details}
        ordered = [index.get("Identity" if i == 0 else f"Identity_{i}") for i in range(len(names))]
        if None not in ordered and len(details) == len(names):
            return ordered
    raise OptionError(f"the TFLite model's {what}s {[d['name'] for d in details]} do not map onto the IR's "
                      f"{names}", hint="use the tf runtime")


def _tflite(graph: Graph) -> Runner:
    """The Keras reconstruction (NHWC at the edges) converted frozen to TFLite, in tf.lite's Interpreter."""
    import tensorflow as tf

    from frontc.backends.tf import to_keras, to_tflite
    from frontc.interpreter import check_feeds

    interpreter = tf.lite.Interpreter(model_content=to_tflite(to_keras(graph, channels_last_io=True)),
                                      num_threads=_threads() or None)
    interpreter.allocate_tensors()
    inputs = _tflite_order(interpreter.get_input_details(), graph.input_names, "input")
    outputs = _tflite_order(interpreter.get_output_details(), list(graph.outputs), "output")

    def run(feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        feeds = check_feeds(graph, feeds)
        for name, detail in zip(graph.input_names, inputs):
            value = feeds[name]
            interpreter.set_tensor(detail["index"], np.ascontiguousarray(value.transpose(NCHW_TO_NHWC))
                                   if value.ndim == 4 else value)
        interpreter.invoke()
        results = {}
        for name, detail in zip(graph.outputs, outputs):
            result = interpreter.get_tensor(detail["index"])
            results[name] = result.transpose(NHWC_TO_NCHW) if result.ndim == 4 else result
        return results

    return run


def _onnxruntime(graph: Graph) -> Runner:
    from frontc.backends.onnx import onnxruntime_session, to_onnx
    from frontc.interpreter import check_feeds

    session = onnxruntime_session(to_onnx(graph), threads=_threads())
    return lambda feeds: dict(zip(graph.outputs, session.run(graph.outputs, check_feeds(graph, feeds))))


def _mxnet(graph: Graph) -> Runner:
    from frontc.backends.mxnet import mxnet_block, run_mxnet

    block = mxnet_block(graph)
    return lambda feeds: run_mxnet(graph, feeds, block=block)


def _tvm(graph: Graph) -> Runner:
    from frontc.backends.tvm import build_tvm, run_tvm

    model = build_tvm(graph)
    return lambda feeds: run_tvm(graph, feeds, model=model)


_BUILDERS: dict[str, Callable[[Graph], Runner]] = {
    "interpreter": _interpreter, "torch": _torch, "tf": _tf, "tflite": _tflite,
    "onnxruntime": _onnxruntime, "mxnet": _mxnet, "tvm": _tvm, "cmodel": _cmodel}
ALIASES = {"onnx": "onnxruntime", "ort": "onnxruntime", "keras": "tf", "pytorch": "torch", "numpy": "interpreter"}


def runtime_graph(graph: Graph, runtime: str) -> Graph | None:
    """What ``runtime`` executes of ``graph``: a ``*_t`` graph runs in integers in the interpreter and
    the C model only; a fake-quant graph runs as is in the interpreter and in its explicit float form
    elsewhere; float and fake-quant graphs run everywhere but the C model. None: it cannot run there."""
    from frontc.quant import is_integer, is_quantized
    from frontc.quant.explicit import explicit_graph

    runtime = check_runtime(runtime)
    if is_integer(graph):
        return graph if runtime in INTEGER_RUNTIMES else None
    if runtime == "cmodel":
        return None
    return explicit_graph(graph) if is_quantized(graph) and runtime != "interpreter" else graph


def check_runtime(name: str) -> str:
    """The canonical name of runtime ``name``; OptionError naming the choices for an unknown one."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in _BUILDERS:
        raise OptionError(f"unknown runtime '{name}'", hint=f"choose one of {', '.join(_BUILDERS)}")
    return key


def prepare(runtime: str, graph: Graph) -> Runner:
    """Build ``graph`` for ``runtime`` once; the runner maps IR feeds to IR outputs."""
    return _BUILDERS[check_runtime(runtime)](graph)
