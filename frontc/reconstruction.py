"""Rebuild an IR in PyTorch or TensorFlow (or export it to ONNX Runtime, MXNet or TVM), run it on an
input, and measure the distance to a reference result (checklist step 5)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from frontc.analysis.distance import Distance, distance
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

TARGETS = ("torch", "tf", "onnx", "mxnet", "tvm")


@dataclass
class ReconstructionCheck:
    target: str
    distance: Distance
    threshold: float
    saved: Path | None = None

    @property
    def passed(self) -> bool:
        return self.distance.rel_max <= self.threshold


def build(target: str, graph: Graph):
    """The reconstructed model: an nn.Module (torch), a keras.Model (tf), an ONNX ModelProto (onnx),
    a gluon SymbolBlock (mxnet) or a compiled Relax VM (tvm)."""
    if target == "torch":
        from frontc.backends.torch import to_torch
        return to_torch(graph)
    if target == "tf":
        from frontc.backends.tf import to_keras
        # NHWC at the edges, TensorFlow's convention: saved .pb / SavedModel / TFLite files take and
        # give NHWC images, and a frozen .pb imports back through the TF frontend as it should
        return to_keras(graph, channels_last_io=True)
    if target == "onnx":
        from frontc.backends.onnx import to_onnx
        return to_onnx(graph)
    if target == "mxnet":
        from frontc.backends.mxnet import mxnet_block
        return mxnet_block(graph)
    if target == "tvm":
        from frontc.backends.tvm import build_tvm
        return build_tvm(graph)
    raise OptionError(f"unknown reconstruction target '{target}'", hint=f"choose one of {list(TARGETS)}")


def run_model(target: str, model, feeds: dict[str, np.ndarray], graph: Graph) -> dict[str, np.ndarray]:
    if target == "onnx":
        from frontc.backends.onnx import run_onnxruntime
        return run_onnxruntime(graph, feeds, model=model)
    if target == "mxnet":
        from frontc.backends.mxnet import run_mxnet
        return run_mxnet(graph, feeds, block=model)
    if target == "tvm":
        return model(feeds)
    if target == "torch":
        from frontc.backends.torch import run_torch
        return run_torch(model, feeds)
    from frontc.backends.tf import run_keras
    return run_keras(model, feeds)


def save_model(target: str, model, graph: Graph, path: Path, feeds: dict[str, np.ndarray]) -> Path:
    """torch: a TorchScript file (NCHW); tf: a frozen GraphDef (.pb), a TFLite file (.tflite) or a SavedModel
    folder, all taking NHWC images; onnx: an .onnx file (NCHW)."""
    if target == "onnx":
        from frontc.backends.onnx import save_onnx
        return save_onnx(graph, path, force=True)
    if target in ("mxnet", "tvm"):
        raise OptionError(f"saving a {target} reconstruction is not supported here",
                          hint="drop --save_path; frontc.backends.mxnet.save_mxnet writes MXNet files")
    if target == "torch":
        from frontc.backends.torch import save_torchscript
        return save_torchscript(model, feeds, path)
    from frontc.backends.tf import save_frozen_pb, save_saved_model, to_tflite
    if path.suffix == ".pb":
        return save_frozen_pb(model, path)
    if path.suffix == ".tflite":
        from frontc.outputs import write_file
        return write_file(path, to_tflite(model), force=True)
    return save_saved_model(model, path)


def saves_folder(target: str, path: str | Path) -> bool:
    """Whether ``save_model`` writes a folder (a SavedModel) rather than a file at ``path``."""
    return target == "tf" and Path(path).suffix not in (".pb", ".tflite")


def check_reconstruction(target: str, graph: Graph, feeds: dict[str, np.ndarray], result: np.ndarray, *,
                         threshold: float = 1e-3, save_path: str | None = None) -> ReconstructionCheck:
    """Rebuild ``graph`` in ``target``, run it on ``feeds`` and compare its first output with ``result``."""
    model = build(target, graph)
    output = run_model(target, model, feeds, graph)[graph.outputs[0]]
    if output.shape != result.shape:
        raise OptionError(f"the result has shape {list(result.shape)}, the model gives {list(output.shape)}")
    check = ReconstructionCheck(target, distance(output, result), threshold)
    if save_path:
        check.saved = save_model(target, model, graph, Path(save_path), feeds)
    return check
