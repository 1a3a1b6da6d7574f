"""A quantized graph as a plain float IR with explicit quantize-dequantize steps.

Weights and biases become their quantized float values (for ``*_t`` graphs: q x scale of the
stored integers); every annotated activation goes through
``clip(floor(x / s + 0.5), qmin - zp, qmax - zp) * s`` written with Div, Add, Floor, Clip and Mul
nodes. Any backend that runs the float IR (TensorFlow, PyTorch, ONNX) then reproduces frontc's
fake-quant simulation; for ``*_t`` graphs that simulation is the one the integers follow within
the LSB agreement measured by ``frontc.quant.agreement``.
"""
from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING

import numpy as np

from frontc.interpreter.registry import VARIANT_KEY
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import OUT_DTYPES, infer_shapes
from frontc.ir.validate import lint
from frontc.quant.annotations import KEY, TensorQuant, graph_quant, is_integer, node_quant
from frontc.quant.quantize import fake_quantize

if TYPE_CHECKING:
    from frontc.backends.tf.export import FrozenGraph


def explicit_graph(qgraph: Graph) -> Graph:
    """The float IR computing ``qgraph``'s fake-quant simulation with ordinary ops."""
    gq = graph_quant(qgraph) or {}
    integer = is_integer(qgraph)
    graph = Graph(f"{qgraph.name}_explicit", [], copy.deepcopy(qgraph.inputs), list(qgraph.outputs),
                  dict(qgraph.params), {k: v for k, v in copy.deepcopy(qgraph.meta).items() if k != KEY})
    renamed = {}
    for name, data in gq.get("inputs", {}).items():
        renamed[name] = graph.unique_name(f"{name}/quantized")
        _qdq(graph, name, renamed[name], TensorQuant.from_meta(data))
    for node in qgraph.nodes:
        nq = node_quant(node)
        new = Node(node.name, node.op, [renamed.get(t, t) for t in node.inputs], list(node.outputs),
                   copy.deepcopy(node.attrs),
                   {k: v for k, v in copy.deepcopy(node.meta).items() if k not in (KEY, VARIANT_KEY, OUT_DTYPES)})
        for key, index in (("weight", 1), ("bias", 2)):
            if key in nq:
                tq = TensorQuant.from_meta(nq[key])
                value = qgraph.params[node.inputs[index]]
                rank = value.ndim
                real = ((value.astype(np.float64) - tq.broadcast(tq.zero_point, rank))
                        * tq.broadcast(np.asarray(tq.scale, np.float64), rank)).astype(np.float32) \
                    if integer else fake_quantize(value, tq)
                new.inputs[index] = graph.add_param(f"{node.inputs[index]}/quantized", real)
        graph.nodes.append(new)
        for i, tensor in enumerate(node.outputs):
            if tensor in nq.get("outputs", {}):
                new.outputs[i] = graph.unique_name(f"{tensor}/float")
                graph.invalidate()
                _qdq(graph, new.outputs[i], tensor, TensorQuant.from_meta(nq["outputs"][tensor]))
    graph.remove_unused_params()
    infer_shapes(graph)
    lint(graph)
    return graph


def _qdq(graph: Graph, source: str, target: str, tq: TensorQuant) -> None:
    """Append nodes computing ``target = clip(floor(source / s + 0.5), qmin - zp, qmax - zp) * s``."""
    scale = graph.add_param(f"{target}/scale", np.asarray(tq.scale, np.float32))
    half = graph.add_param(f"{target}/half", np.asarray(0.5, np.float32))
    zp = int(tq.zero_point)
    steps = [("Div", [source, scale], {}), ("Add", [None, half], {}), ("Floor", [None], {}),
             ("Clip", [None], {"min": float(tq.qmin - zp), "max": float(tq.qmax - zp)}), ("Mul", [None, scale], {})]
    previous = source
    for i, (op, inputs, attrs) in enumerate(steps):
        out = target if i == len(steps) - 1 else graph.unique_name(f"{target}/{op.lower()}")
        name = graph.unique_name(f"{target}/qdq_{op.lower()}")
        graph.nodes.append(Node(name, op, [previous if t is None else t for t in inputs], [out], attrs))
        graph.invalidate()
        previous = out


def save_quantized_pb(qgraph: Graph, path: str | os.PathLike) -> FrozenGraph:
    """A frozen TensorFlow GraphDef reproducing ``qgraph``'s fake-quant simulation, written atomically."""
    from frontc.backends.tf import to_keras
    from frontc.backends.tf.export import save_frozen_pb
    return save_frozen_pb(to_keras(explicit_graph(qgraph)), path)
