"""A quantized graph as a plain float IR with explicit quantize-dequantize steps.

Every annotated activation goes through ``clip(floor(x / s + 0.5), qmin - zp, qmax - zp) * s``
written with Div, Add, Floor, Clip and Mul nodes. A Conv/ConvTranspose/Dense becomes the steps of
the fake-quant kernel: its input's integer codes, the op on those codes and the weights' integer
codes (exact in float32 below 2**24), Add of the bias codes, Mul by float32(s_x s_w), Add of the
residual, the activation. Any backend that runs the float IR (TensorFlow, PyTorch, ONNX) then reproduces frontc's
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
from frontc.ir.ops.elementwise import ACTIVATION_OPS
from frontc.ir.validate import lint
from frontc.quant.annotations import KEY, TensorQuant, graph_quant, is_integer, node_quant
from frontc.quant.fake_quant import WEIGHTED
from frontc.quant.quantize import accumulator_scale, codes, fake_quantize, output_groups

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
        inputs = [renamed.get(t, t) if t in nq.get("inputs", {}) else t for t in node.inputs]
        meta = {k: v for k, v in copy.deepcopy(node.meta).items() if k not in (KEY, VARIANT_KEY, OUT_DTYPES)}
        outputs = list(node.outputs)
        for i, tensor in enumerate(node.outputs):
            if tensor in nq.get("outputs", {}):
                outputs[i] = graph.unique_name(f"{tensor}/float")
        if node.op in WEIGHTED and "x" in nq:
            _weighted(graph, qgraph, node, nq, inputs, outputs[0], meta, integer)
        else:
            new = Node(node.name, node.op, inputs, outputs, copy.deepcopy(node.attrs), meta)
            if "bias" in nq:
                new.inputs[2] = graph.add_param(f"{node.inputs[2]}/quantized",
                                                _real(qgraph, node.inputs[2], nq["bias"], integer))
            if "weight" in nq:
                new.inputs[1] = graph.add_param(f"{node.inputs[1]}/quantized",
                                                _real(qgraph, node.inputs[1], nq["weight"], integer))
            graph.nodes.append(new)
        graph.invalidate()
        for tensor, source in zip(node.outputs, outputs):
            if tensor != source:
                _qdq(graph, source, tensor, TensorQuant.from_meta(nq["outputs"][tensor]))
    graph.remove_unused_params()
    infer_shapes(graph)
    lint(graph)
    return graph


def _real(qgraph: Graph, param: str, data: dict, integer: bool) -> np.ndarray:
    """The float values of a weight or bias on its grid: (q - zp) * s (stored integers of ``*_t`` graphs)."""
    tq, value = TensorQuant.from_meta(data), qgraph.params[param]
    if not integer:
        return fake_quantize(value, tq)
    zp, scale = tq.broadcast(tq.zero_point, value.ndim), tq.broadcast(np.asarray(tq.scale, np.float32), value.ndim)
    return (np.float32(value) - np.float32(zp)) * scale


def _weighted(graph: Graph, qgraph: Graph, node: Node, nq: dict, inputs: list[str], output: str, meta: dict,
              integer: bool) -> None:
    """The steps of ``fake_quant._weighted``: codes, exact sum, float32 scale, bias, residual, activation."""
    attrs = copy.deepcopy(node.attrs)
    act, params = attrs.pop("activation", ""), attrs.pop("activation_params", [])
    x_codes = _steps(graph, inputs[0], f"{node.name}/x", TensorQuant.from_meta(nq["x"]), scale_back=False)
    w_tq = TensorQuant.from_meta(nq["weight"])
    w = qgraph.params[node.inputs[1]]
    w_codes = np.float32(w) - np.float32(w_tq.broadcast(w_tq.zero_point, w.ndim)) if integer else codes(w, w_tq)
    acc = graph.unique_name(f"{node.name}/acc")
    graph.nodes.append(Node(node.name, node.op, [x_codes, graph.add_param(f"{node.inputs[1]}/codes", w_codes)],
                            [acc], attrs, meta))
    rank = len(qgraph.spec(node.outputs[0]).shape)
    shape = (-1,) if node.op == "Dense" else (-1, *[1] * (rank - 2))
    steps: list[tuple[str, list[str | None], dict]] = []
    if "bias" in nq:  # added to the codes before scaling: TF's constant folding cannot push the scale into W
        b_tq, b = TensorQuant.from_meta(nq["bias"]), qgraph.params[node.inputs[2]]
        b_codes = np.float32(b) if integer else codes(b, b_tq)
        steps.append(("Add", [None, graph.add_param(f"{node.inputs[2]}/codes", b_codes.reshape(shape))], {}))
    acc_scale = accumulator_scale(nq, output_groups(node)).reshape(shape)
    steps.append(("Mul", [None, graph.add_param(f"{node.name}/acc_scale", acc_scale)], {}))
    if len(inputs) > 3 and inputs[3]:
        steps.append(("Add", [None, inputs[3]], {}))
    if act:
        steps.append((act, [None], dict(zip(ACTIVATION_OPS[act], params))))
    _chain(graph, acc, output, f"{node.name}/", steps)


def _steps(graph: Graph, source: str, target: str, tq: TensorQuant, scale_back: bool = True) -> str:
    """Nodes computing clip(floor(source / s + 0.5), qmin - zp, qmax - zp) [* s] into ``target``."""
    scale = graph.add_param(f"{target}/scale", np.asarray(tq.scale, np.float32))
    half = graph.add_param(f"{target}/half", np.asarray(0.5, np.float32))
    zp = int(tq.zero_point)
    steps: list[tuple[str, list[str | None], dict]] = [
        ("Div", [None, scale], {}), ("Add", [None, half], {}), ("Floor", [None], {}),
        ("Clip", [None], {"min": float(tq.qmin - zp), "max": float(tq.qmax - zp)})]
    if scale_back:
        steps.append(("Mul", [None, scale], {}))
    target = target if scale_back else graph.unique_name(f"{target}/codes")
    _chain(graph, source, target, f"{target}/qdq_", steps)
    return target


def _qdq(graph: Graph, source: str, target: str, tq: TensorQuant) -> None:
    """Append nodes computing ``target = clip(floor(source / s + 0.5), qmin - zp, qmax - zp) * s``."""
    _steps(graph, source, target, tq)


def _chain(graph: Graph, source: str, target: str, prefix: str, steps: list) -> None:
    """Append one node per step, each reading the previous output (None) and its other inputs."""
    previous = source
    for i, (op, inputs, attrs) in enumerate(steps):
        out = target if i == len(steps) - 1 else graph.unique_name(f"{prefix}{op.lower()}")
        name = graph.unique_name(f"{prefix}{op.lower()}")
        graph.nodes.append(Node(name, op, [previous if t is None else t for t in inputs], [out], attrs))
        graph.invalidate()
        previous = out


def save_quantized_pb(qgraph: Graph, path: str | os.PathLike) -> FrozenGraph:
    """A frozen TensorFlow GraphDef reproducing ``qgraph``'s fake-quant simulation, written atomically."""
    from frontc.backends.tf import to_keras
    from frontc.backends.tf.export import save_frozen_pb
    return save_frozen_pb(to_keras(explicit_graph(qgraph)), path)
