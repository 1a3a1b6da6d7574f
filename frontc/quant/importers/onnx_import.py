"""Quantized ONNX -> annotated integer IR (``import_onnx``), and ONNX Runtime's own integers of the
same model as the reference for ``frontc.quant.importers.agreement`` (``onnxruntime_codes``)."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np

from frontc.ir.errors import ModelLoadError
from frontc.ir.graph import Graph
from frontc.quant.importers.onnx_qdq import QLINEAR, Split, is_quantized_model, split_quantized

FLOW = "import_quantized"


def import_onnx(path: str | os.PathLike, input_shapes: Mapping[str, Sequence[int]] | None = None
                ) -> tuple[Graph, Split]:
    """(annotated integer IR, the split float model and grids) of a quantized ONNX model."""
    from frontc.frontends.onnx import load
    from frontc.frontends.onnx.loader import read_model
    from frontc.passes import run_pipeline
    from frontc.quant.importers.annotate import annotate_imported

    model, where = read_model(path)
    if not is_quantized_model(model):
        raise ModelLoadError("the model has no QuantizeLinear/DequantizeLinear or QLinear* ops: it is a float "
                             "model", path=where, hint="compile it (frontc compile) and quantize it with frontc")
    split = split_quantized(model, where)
    graph = load(split.model, dict(input_shapes) if input_shapes else None)
    graph, _ = run_pipeline(graph, FLOW)
    qoperator = any(n.op_type in (*QLINEAR, "QLinearConcat") for n in model.graph.node)
    annotate_imported(graph, split.acts, split.weights, source="onnx_qoperator" if qoperator else "onnx_qdq",
                      path=where)
    graph.name = "IR_quant"
    return graph, split


def onnxruntime_codes(path: str | os.PathLike, graph: Graph, split: Split, feeds: Mapping[str, np.ndarray],
                      optimized: bool = True) -> dict[str, np.ndarray]:
    """ONNX Runtime's integers of every quantized tensor of ``graph`` on ``feeds``, by IR tensor name
    (its fused integer kernels when ``optimized``, its literal QDQ float simulation otherwise)."""
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(path))
    names = dict(split.codes)  # the file's integer tensors, and those integer moves produce
    for node in model.graph.node:
        ins = [t for t in node.input if t]
        if node.op_type not in ("QuantizeLinear", "DequantizeLinear", *QLINEAR, "QLinearConcat") and ins \
                and ins[0] in names and node.output[0] in graph.tensors:
            names[node.output[0]] = node.output[0]
    present = {o.name for o in model.graph.output}
    for name in names:
        if name not in present:
            model.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
    options = ort.SessionOptions()
    options.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimized
                                        else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    wanted = [o.name for o in session.get_outputs() if o.name in names]
    values = session.run(wanted, dict(feeds))
    return {names[n]: v for n, v in zip(wanted, values) if np.issubdtype(v.dtype, np.integer)}
