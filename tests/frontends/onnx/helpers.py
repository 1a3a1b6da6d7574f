"""Build small ONNX models in code, convert them with the ONNX frontend and compare the IR
interpreter with onnxruntime (the oracle)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import frontc
from frontc.catalog.onnx_cases import onnxruntime_outputs
from frontc.ir.graph import Graph

Input = tuple[int, ...] | np.ndarray | None


def randn(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def model(nodes: Sequence[onnx.NodeProto], inputs: dict[str, tuple[tuple[Any, ...], int]],
          outputs: dict[str, int | tuple[tuple[Any, ...], int]],
          inits: dict[str, np.ndarray] | None = None, opset: int = 13,
          domains: dict[str, int] | None = None, name: str = "test") -> onnx.ModelProto:
    """A checked model: ``inputs`` name -> (shape, elem type), ``outputs`` name -> elem type
    (shapes inferred) or (shape, elem type); ``domains`` adds custom opset imports."""
    graph = helper.make_graph(
        list(nodes), name,
        [helper.make_tensor_value_info(k, t, s) for k, (s, t) in inputs.items()],
        [helper.make_tensor_value_info(k, t[1], t[0]) if isinstance(t, tuple) else
         helper.make_tensor_value_info(k, t, None) for k, t in outputs.items()],
        [numpy_helper.from_array(v, k) for k, v in (inits or {}).items()])
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v)
                                                for d, v in (domains or {}).items()]
    proto = helper.make_model(graph, opset_imports=opsets)
    proto.ir_version = min(proto.ir_version, 8)
    if all(not isinstance(t, tuple) for t in outputs.values()):
        proto = onnx.shape_inference.infer_shapes(proto)  # output shapes, which the checker wants
    onnx.checker.check_model(proto)
    return proto


def single(op: str, ins: Sequence[Input], attrs: dict[str, Any] | None = None, *, opset: int = 13,
           outputs: int = 1, out_type: int = TensorProto.FLOAT,
           seed: int = 0) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """A one-node model and its feeds: a shape is a random float input, an array an initializer,
    None an omitted optional input."""
    names, inputs, inits, feeds = [], {}, {}, {}
    for i, spec in enumerate(ins):
        name = f"in{i}"
        if spec is None:
            names.append("")
            continue
        names.append(name)
        if isinstance(spec, np.ndarray):
            inits[name] = spec
        else:
            feeds[name] = randn(*spec, seed=seed + i)
            inputs[name] = (tuple(spec), TensorProto.FLOAT)
    outs = [f"out{k}" for k in range(outputs)]
    node = helper.make_node(op, names, outs, name=f"{op.lower()}_node", **(attrs or {}))
    return model([node], inputs, {o: out_type for o in outs}, inits, opset), feeds


def assert_matches(proto: onnx.ModelProto, feeds: dict[str, np.ndarray], rel: float = 1e-6,
                   input_shapes: dict[str, tuple[int, ...]] | None = None) -> Graph:
    """Convert ``proto``, run it in the interpreter and compare with onnxruntime:
    same shapes and dtypes, max|diff| <= rel * max|ref| for every output."""
    graph = frontc.load(proto, "onnx", input_shapes=input_shapes)
    got = frontc.run(graph, feeds)
    refs = onnxruntime_outputs(proto, feeds)
    assert len(refs) == len(graph.outputs)
    for name, ref in zip(graph.outputs, refs):
        out = got[name]
        assert out.shape == ref.shape and out.dtype == ref.dtype, (name, out.shape, ref.shape,
                                                                   out.dtype, ref.dtype)
        if ref.dtype.kind in "iub":
            np.testing.assert_array_equal(out, ref)
        else:
            diff = float(np.abs(out.astype(np.float64) - ref).max()) if ref.size else 0.0
            assert diff <= rel * float(np.abs(ref).max()), f"{name}: max|diff| {diff:.3g}"
    return graph
