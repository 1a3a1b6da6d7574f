"""ONNX model cases: the real ImageNet architectures shipped in the onnx wheel
(``onnx/backend/test/data/light``), with seeded random weights, and onnxruntime's output.

The shipped files hold constant-filled weights (as ConstantOfShape nodes) whose
output is a uniform softmax for any input, so every float weight is first replaced
by seeded random values of a sensible scale (He-normal conv/dense weights, positive
BN variances), which makes the output depend on the input.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import numpy as np

from frontc.catalog.case import Case, ModelEntry, seeded_input

LIGHT_MODELS = ("squeezenet", "resnet50", "densenet121", "inception_v1", "inception_v2",
                "shufflenet", "vgg19", "bvlc_alexnet", "zfnet512")
FAST_MODELS = ("squeezenet",)
PASS_THROUGH = ("Unsqueeze", "Reshape", "Identity")


def light_model_path(name: str) -> Path:
    """The file of light model ``name`` inside the installed onnx package."""
    import onnx

    return Path(onnx.__file__).parent / "backend" / "test" / "data" / "light" / f"light_{name}.onnx"


def _consumer(model: Any, tensor: str) -> tuple[str, int, Any]:
    """(op, input index, node) of the first real reader of ``tensor`` (through reshapes)."""
    for node in model.graph.node:
        if tensor in node.input:
            if node.op_type in PASS_THROUGH:
                return _consumer(model, node.output[0])
            return node.op_type, list(node.input).index(tensor), node
    return "", -1, None


def _random_weight(model: Any, name: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    op, index, node = _consumer(model, name)
    if op in ("Conv", "ConvTranspose", "Gemm", "MatMul") and index == 1:
        if op == "Gemm":
            trans_b = any(a.name == "transB" and a.i for a in node.attribute)
            fan_in = shape[1] if trans_b else shape[0]
        elif op == "MatMul":
            fan_in = shape[0]
        else:
            fan_in = math.prod(shape[1:])
        return rng.standard_normal(shape) * math.sqrt(2.0 / fan_in)
    if op == "BatchNormalization" and index in (1, 4):  # scale, variance
        return rng.uniform(0.5, 1.5, shape)
    if op == "Mul":
        return rng.uniform(0.5, 1.5, shape)
    return rng.normal(0.0, 0.1, shape)  # biases, BN shifts and means


def randomize_weights(model: Any, seed: int = 0) -> Any:
    """A copy of ``model`` whose float weights (initializers and ConstantOfShape nodes fed by an
    initializer shape) are seeded random initializers of a sensible scale."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    rng = np.random.default_rng(seed)
    inits = {t.name: t for t in graph.initializer}
    weights: dict[str, tuple[int, ...]] = {}
    for node in list(graph.node):
        value = next((a.t for a in node.attribute if a.name == "value"), None)
        if node.op_type == "ConstantOfShape" and node.input[0] in inits and \
                (value is None or value.data_type == onnx.TensorProto.FLOAT):
            weights[node.output[0]] = tuple(int(d) for d in numpy_helper.to_array(inits[node.input[0]]))
            graph.node.remove(node)
    used = {t for node in graph.node for t in node.input}
    for name, init in inits.items():
        if init.data_type == onnx.TensorProto.FLOAT and name in used:
            weights[name] = tuple(init.dims)
        if name in weights or name not in used:
            graph.initializer.remove(init)
    for value in [v for v in graph.input if v.name in inits and v.name not in used]:
        graph.input.remove(value)
    listed = {v.name for v in graph.input}
    for name, shape in sorted(weights.items()):
        array = _random_weight(model, name, shape, rng).astype(np.float32)
        graph.initializer.append(numpy_helper.from_array(array, name))
        if model.ir_version < 4 and name not in listed:  # IR < 4: initializers are graph inputs
            graph.input.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, shape))
    onnx.checker.check_model(model)
    return model


def calibrate_classifier(model: Any, feeds: dict[str, np.ndarray], target_std: float = 2.0) -> Any:
    """Scale the Gemm that feeds the final Softmax so that its logits have std ``target_std`` on
    ``feeds``: random deep residual nets otherwise give logits of 1e4 and a one-hot softmax."""
    from onnx import helper, numpy_helper

    producers = {out: node for node in model.graph.node for out in node.output}
    last = producers[model.graph.output[0].name]
    gemm = producers.get(last.input[0]) if last.op_type == "Softmax" else None
    if gemm is None or gemm.op_type != "Gemm":
        return model
    probe = type(model).FromString(model.SerializeToString())
    probe.graph.output.append(helper.make_empty_tensor_value_info(gemm.output[0]))
    factor = target_std / float(onnxruntime_outputs(probe, feeds)[-1].std())
    sources = set()
    for name in gemm.input[1:]:
        while name in producers and producers[name].op_type in PASS_THROUGH:
            name = producers[name].input[0]
        sources.add(name)
    for init in model.graph.initializer:
        if init.name in sources:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init) * np.float32(factor),
                                                  init.name))
    return model


def onnxruntime_outputs(model: Any, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The model's outputs computed by onnxruntime (the oracle) on the CPU."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    return [np.asarray(out) for out in session.run(None, feeds)]


def light_case(name: str, seed: int = 0) -> Case:
    """Light model ``name`` with random weights, a seeded input and onnxruntime's output."""
    import onnx

    model = randomize_weights(onnx.load(light_model_path(name)), seed)
    weights = {t.name for t in model.graph.initializer}
    shapes = {v.name: tuple(d.dim_value for d in v.type.tensor_type.shape.dim)
              for v in model.graph.input if v.name not in weights}
    model = calibrate_classifier(model, {k: seeded_input(s, seed + 1) for k, s in shapes.items()})
    feeds = {k: seeded_input(s, seed) for k, s in shapes.items()}
    return Case("onnx", f"light_{name}", model, shapes, feeds, onnxruntime_outputs(model, feeds),
                name not in FAST_MODELS)


def torch_export_case(name: str, seed: int = 0) -> Case:
    """PyTorch sequence case ``name`` exported by torch.onnx (opset 17, token ids as int64 inputs),
    its seeded inputs and onnxruntime's output."""
    import io
    import warnings

    import onnx
    import torch

    from frontc.catalog.torch_cases import sequence_case

    source = sequence_case(name, seed)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(source.source, tuple(torch.from_numpy(v) for v in source.feeds.values()), buffer,
                          dynamo=False, opset_version=17, input_names=list(source.feeds))
    model = onnx.load_from_string(buffer.getvalue())
    return Case("onnx", f"{name}_export", model, None, source.feeds, onnxruntime_outputs(model, source.feeds))


EXPORTED = ("bert_tiny",)


def cases() -> dict[str, ModelEntry]:
    """The light-model cases, by model name (``light_resnet50``...): 1x3x224x224, weights randomized; and the
    PyTorch sequence models exported to ONNX (``bert_tiny_export``)."""
    out = {f"light_{name}": ModelEntry(name not in FAST_MODELS, functools.partial(light_case, name), (1, 3, 224, 224),
                                       file=f"onnx/backend/test/data/light/light_{name}.onnx")
           for name in LIGHT_MODELS}
    out.update({f"{name}_export": ModelEntry(False, functools.partial(torch_export_case, name), (2, 16), domain="nlp")
                for name in EXPORTED})
    return out
