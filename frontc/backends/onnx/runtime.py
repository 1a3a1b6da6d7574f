"""Run an exported model in ONNX Runtime (CPU) by IR tensor names."""
from __future__ import annotations

from typing import Any

import numpy as np
import onnx

from frontc.ir.graph import Graph


def onnxruntime_session(model: onnx.ModelProto, *, threads: int = 0, extra_outputs: list[str] = ()) -> Any:
    """An onnxruntime CPU InferenceSession of ``model``, with ``extra_outputs`` declared as outputs."""
    import onnxruntime as ort

    if extra_outputs:
        traced = onnx.ModelProto()
        traced.CopyFrom(model)
        declared = {out.name for out in traced.graph.output}
        traced.graph.output.extend(onnx.ValueInfoProto(name=t) for t in extra_outputs if t not in declared)
        model = traced
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def run_onnxruntime(graph: Graph, feeds: dict[str, np.ndarray], *, trace: bool = False,
                    model: onnx.ModelProto | None = None) -> dict[str, np.ndarray]:
    """``graph`` exported (or ``model``, its export) and run in onnxruntime: the outputs by IR name,
    or with ``trace`` every IR tensor a node computes."""
    from frontc.backends.onnx.export import to_onnx
    from frontc.interpreter import check_feeds

    model = model or to_onnx(graph)
    wanted = [t for node in graph.nodes for t in node.outputs] if trace else list(graph.outputs)
    session = onnxruntime_session(model, extra_outputs=wanted if trace else [])
    values = session.run(wanted, check_feeds(graph, feeds))
    out = dict(check_feeds(graph, feeds)) if trace else {}
    out.update({name: np.asarray(v) for name, v in zip(wanted, values)})
    return out
