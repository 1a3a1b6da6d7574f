"""ONNX as a source runner: onnxruntime with every matched intermediate tensor made a graph output.

ONNX tensors map to IR tensors through ``graph.meta['source_tensors']``, which the ONNX
frontend records (tensors it folded into constants have no IR tensor and are not compared).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph


def trace(source: Any, graph: Graph, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """onnxruntime's value of every ONNX node output that has an IR tensor in ``graph``."""
    import onnx
    import onnxruntime as ort

    from frontc.frontends.onnx.loader import read_model

    mapping = graph.meta.get("source_tensors")
    if not mapping:
        raise OptionError(f"graph '{graph.name}' records no ONNX tensor names (meta['source_tensors'])",
                          hint="convert the model with frontc's ONNX frontend")
    model, _ = read_model(source)
    present = graph.tensor_names()
    computed = [out for node in model.graph.node for out in node.output if out]
    wanted = {name: mapping[name] for name in computed if mapping.get(name) in present}
    traced = onnx.ModelProto()
    traced.CopyFrom(model)
    declared = {out.name for out in traced.graph.output}
    traced.graph.output.extend(onnx.ValueInfoProto(name=name) for name in wanted if name not in declared)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(traced.SerializeToString(), options, providers=["CPUExecutionProvider"])
    inputs = {name: feeds[ir] for name, ir in mapping.items() if ir in feeds}
    names = [out.name for out in session.get_outputs() if out.name in wanted]
    return {wanted[name]: np.asarray(value) for name, value in zip(names, session.run(names, inputs))}
