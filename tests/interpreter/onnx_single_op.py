"""Run one op two ways: as a small ONNX model in onnxruntime (the oracle) and as an IR graph in
the numpy interpreter, then compare at the project's tolerances."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper

import frontc.interpreter
from frontc.ir.graph import Graph, Node, TensorSpec

# exact: elementwise and data movement; compute: conv, matmul, average, normalization, linear resize
TOLERANCES = {"exact": 1e-6, "compute": 1e-5}


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def randn(*shape: int, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    """Seeded standard-normal float32 values."""
    return np.asarray(rng(seed).standard_normal(shape) * scale, dtype=np.float32)


def const(name: str, value: Any, dtype: Any = None) -> onnx.TensorProto:
    """An ONNX initializer (for weights and for the constant inputs that the IR keeps as attrs)."""
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def run_onnx(nodes: Sequence[onnx.NodeProto], feeds: dict[str, np.ndarray],
             initializers: dict[str, Any] | None = None,
             outputs: Sequence[str] = ("y",), opset: int = 17, engine: str = "ort") -> list[np.ndarray]:
    """Execute ONNX ``nodes`` on ``feeds`` with onnxruntime (CPU), or with the ONNX reference
    evaluator when ``engine='reference'`` (only where ORT departs from the spec)."""
    inputs = [helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
              for name, v in feeds.items()]
    graph = helper.make_graph(list(nodes), "single_op", inputs,
                              [helper.make_empty_tensor_value_info(name) for name in outputs],
                              [const(k, v) for k, v in (initializers or {}).items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = max(8, helper.find_min_ir_version_for(list(model.opset_import)))
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    for out in model.graph.output:  # function ops (GroupNormalization-21) are not typed by inference
        if not out.type.HasField("tensor_type"):
            out.type.tensor_type.elem_type = model.graph.input[0].type.tensor_type.elem_type
            out.type.tensor_type.shape.SetInParent()
    onnx.checker.check_model(model)
    if engine == "reference":
        from onnx.reference import ReferenceEvaluator
        return [np.asarray(v) for v in ReferenceEvaluator(model).run(None, feeds)]
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    return session.run(list(outputs), feeds)


def onnx_op(op_type: str, inputs: Sequence[str], feeds: dict[str, np.ndarray],
            initializers: dict[str, Any] | None = None, *, outputs: int = 1, opset: int = 17,
            engine: str = "ort", **attrs: Any) -> list[np.ndarray]:
    """Execute one ONNX op; its outputs are called y, y1, y2..."""
    names = ["y"] + [f"y{i}" for i in range(1, outputs)]
    node = helper.make_node(op_type, list(inputs), names, **attrs)
    return run_onnx([node], feeds, initializers, names, opset, engine)


def ir_graph(op: str, inputs: Sequence[str], feeds: dict[str, np.ndarray],
             params: dict[str, np.ndarray] | None = None, attrs: dict[str, Any] | None = None,
             outputs: int = 1, name: str = "node") -> Graph:
    """A one-node IR graph: ``feeds`` become graph inputs, ``params`` params."""
    names = ["y"] + [f"y{i}" for i in range(1, outputs)]
    node = Node(name, op, list(inputs), names, dict(attrs or {}))
    specs = [TensorSpec(k, v.shape, str(v.dtype)) for k, v in feeds.items()]
    return Graph("single_op", [node], specs, names, dict(params or {}))


def ir_op(op: str, inputs: Sequence[str], feeds: dict[str, np.ndarray],
          params: dict[str, np.ndarray] | None = None, attrs: dict[str, Any] | None = None,
          outputs: int = 1) -> list[np.ndarray]:
    """Execute one IR op with the interpreter; the outputs in order."""
    graph = ir_graph(op, inputs, feeds, params, attrs, outputs)
    result = frontc.interpreter.run(graph, feeds)
    return [result[name] for name in graph.outputs]


def assert_close(actual: Sequence[np.ndarray], reference: Sequence[np.ndarray], kind: str) -> float:
    """Equal shapes and dtypes, and max|diff| within the tolerance of ``kind``:
    exact: <= 1e-6 * max(1, max|ref|); compute: <= 1e-5 * max|ref|. Returns the worst error."""
    assert len(actual) == len(reference), f"{len(actual)} outputs, the reference has {len(reference)}"
    worst = 0.0
    for got, ref in zip(actual, reference):
        assert isinstance(got, np.ndarray), f"the interpreter gave a {type(got).__name__}, not an array"
        assert got.shape == ref.shape, f"shape {got.shape}, reference {ref.shape}"
        assert got.dtype == ref.dtype, f"dtype {got.dtype}, reference {ref.dtype}"
        if ref.size == 0:
            continue
        if ref.dtype.kind in "biu":
            assert np.array_equal(got, ref), f"integer outputs differ: {got} vs {ref}"
            continue
        peak = float(np.max(np.abs(ref.astype(np.float64))))
        bound = TOLERANCES[kind] * (max(1.0, peak) if kind == "exact" else peak)
        error = float(np.max(np.abs(got.astype(np.float64) - ref.astype(np.float64))))
        assert np.isfinite(ref).all() and error <= bound, \
            f"max|diff| {error:.3g} > {bound:.3g} (max|ref| {peak:.3g}, {kind})"
        worst = max(worst, error / max(peak, 1e-30))
    return worst


def onnx_activation(name: str, params: Sequence[float], src: str, dst: str,
                    ) -> tuple[list[onnx.NodeProto], dict[str, np.ndarray]]:
    """ONNX nodes (and their constants) computing IR activation ``name``, with ``params`` in
    schema order, of ``src`` into ``dst``."""
    tag = f"{dst}_{name.lower()}"
    if name == "Relu6":
        return [helper.make_node("Clip", [src, f"{tag}_lo", f"{tag}_hi"], [dst])], \
            {f"{tag}_lo": np.float32(0), f"{tag}_hi": np.float32(6)}
    if name == "Clip":
        bounds = {f"{tag}_{i}": np.float32(v) for i, v in enumerate(params)}
        return [helper.make_node("Clip", [src, *bounds], [dst])], bounds
    if name == "Swish":  # x * sigmoid(alpha * x)
        return [helper.make_node("Mul", [src, f"{tag}_alpha"], [f"{tag}_ax"]),
                helper.make_node("Sigmoid", [f"{tag}_ax"], [f"{tag}_s"]),
                helper.make_node("Mul", [src, f"{tag}_s"], [dst])], \
            {f"{tag}_alpha": np.float32(params[0] if params else 1.0)}
    keys = {"LeakyRelu": ["alpha"], "Elu": ["alpha"], "HardSigmoid": ["alpha", "beta"]}.get(name, [])
    return [helper.make_node(name, [src], [dst], **dict(zip(keys, params)))], {}
