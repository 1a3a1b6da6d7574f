"""The export loop: scan for unsupported ops, emit every node, declare inputs, outputs and the
shape of every IR tensor, and check the model with onnx.checker."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

from frontc.backends.onnx.registry import EmitContext, get_emitter
from frontc.ir.errors import GraphError, UnsupportedOpError
from frontc.ir.graph import Graph
from frontc.ir.infer import node_attrs
from frontc.ir.validate import lint

OPSET = 17


def _value_info(name: str, shape: tuple[int, ...], dtype: str) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(np.dtype(dtype)), list(shape))


def check_supported(graph: Graph) -> None:
    """Raise one UnsupportedOpError naming every op (count, first nodes) that has no emitter."""
    missing: dict[str, list[str]] = {}
    for node in graph.nodes:
        if get_emitter(node.op) is None:
            missing.setdefault(node.op, []).append(node.name)
    if missing:
        parts = [f"{op} x{len(names)} ({', '.join(names[:3])})" for op, names in sorted(missing.items())]
        raise UnsupportedOpError(f"to_onnx has no emitter for {'; '.join(parts)}",
                                 hint="run the interpreter or another backend on this graph")


def to_onnx(graph: Graph, *, opset: int = OPSET) -> onnx.ModelProto:
    """``graph`` as an ONNX model of ``opset`` (17 by default) with the IR's tensor and node names; a
    fake-quant graph's annotations become QuantizeLinear/DequantizeLinear (see ``qdq``)."""
    from frontc import __version__
    from frontc.backends.onnx.qdq import add_qdq

    lint(graph)
    check_supported(graph)
    ctx = EmitContext(graph, taken=set(graph.tensor_names()))
    for node in graph.nodes:
        ctx.node, ctx.attrs, start = node, node_attrs(node), len(ctx.nodes)
        get_emitter(node.op)(node, ctx)
        ctx.emitted[node.name] = ctx.nodes[start:]
    add_qdq(graph, ctx)
    used = {t for n in ctx.nodes for t in n.input}
    initializers = [numpy_helper.from_array(np.asarray(value), name) for name, value in graph.params.items()
                    if name in used or name in graph.outputs]
    onnx_graph = helper.make_graph(
        ctx.nodes, graph.name,
        [_value_info(s.name, s.shape, s.dtype) for s in graph.inputs],
        [_value_info(t, graph.spec(t).shape, graph.spec(t).dtype) for t in graph.outputs],
        initializer=initializers + ctx.initializers,
        value_info=[_value_info(t, s.shape, s.dtype) for t, s in graph.tensors.items()
                    if t not in graph.params and t not in graph.outputs and not graph.is_input(t)])
    model = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="frontc", producer_version=__version__)
    model.ir_version = min(model.ir_version, 9)  # what onnxruntime 1.31 and onnx 1.18 both read
    helper.set_model_props(model, {"frontc.graph": graph.name})
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise GraphError(f"to_onnx wrote a model that onnx.checker refuses: {str(exc).splitlines()[0]}",
                         hint="this is a frontc bug; please report it") from None
    return model


def save_onnx(graph: Graph, path: str | os.PathLike, *, force: bool = False) -> Path:
    """Write ``to_onnx(graph)`` to ``path`` atomically (an existing file only with ``force``)."""
    from frontc.outputs import write_file

    return write_file(path, to_onnx(graph).SerializeToString(), force=force)
