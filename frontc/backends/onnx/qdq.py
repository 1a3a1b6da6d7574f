"""Quantization annotations (frontc.quant.annotations) -> QuantizeLinear/DequantizeLinear pairs.

A fake-quant graph exports as ONNX's QDQ format: every annotated activation (graph inputs, node
outputs) passes through QuantizeLinear -> DequantizeLinear under its IR name, weights are stored as
int8 initializers (biases int32) behind a DequantizeLinear, per channel along their axis where the
annotation says so. The integers are frontc's own (``quantize_values``). Where ONNX Runtime and
frontc differ: QuantizeLinear rounds half to even, frontc rounds half up (one LSB on exact ties),
and a narrow-range tensor saturates at -128 in ONNX, -127 in frontc. Opset 17 quantizes
activations to 8 bits only; integer (``*_t``) graphs are refused (export their fake-quant form).
"""
from __future__ import annotations

import numpy as np
from onnx import helper, numpy_helper

from frontc.backends.onnx.registry import EmitContext
from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Graph


def _rename_inputs(ctx: EmitContext, old: str, new: str, nodes: list | None = None) -> int:
    """Make the emitted ``nodes`` (all by default) read ``new`` instead of ``old``; returns how many did."""
    count = 0
    for node in ctx.nodes if nodes is None else nodes:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new
                count += 1
    return count


def _qdq_nodes(ctx: EmitContext, source: str, target: str, tq, dtype: np.dtype) -> list:
    """QuantizeLinear(source) -> DequantizeLinear -> target, with the scale and zero point as initializers."""
    if tq.bits != 8:
        raise UnsupportedOpError(f"tensor '{target}' is quantized to {tq.bits} bits; ONNX opset 17 QDQ takes 8",
                                 hint="quantize activations to 8 bits to export QDQ")
    scale = ctx.const("scale", np.asarray(tq.scale, np.float32).reshape(-1)[0] if tq.axis is None else tq.scale,
                      dtype)
    zp = ctx.const("zero_point", int(np.asarray(tq.zero_point).reshape(-1)[0]), np.int8 if tq.signed else np.uint8)
    quantized = ctx.fresh("quantized")
    return [helper.make_node("QuantizeLinear", [source, scale, zp], [quantized], name=f"{target}/QuantizeLinear"),
            helper.make_node("DequantizeLinear", [quantized, scale, zp], [target], name=f"{target}/DequantizeLinear")]


def add_qdq(graph: Graph, ctx: EmitContext) -> None:
    """Insert Q/DQ after every annotated activation and DQ before every annotated weight and bias."""
    from frontc.quant.annotations import TensorQuant, graph_quant, is_integer, node_quant, tensor_quant, weight_quant
    from frontc.quant.quantize import quantize_values

    gq = graph_quant(graph)
    if gq is None or gq.get("strategy") == "null":
        return
    if is_integer(graph):
        raise UnsupportedOpError(f"graph '{graph.name}' runs in integers ({gq.get('strategy')}); to_onnx exports "
                                 "fake-quant graphs as QDQ", hint="export the same strategy without _t")
    nodes = list(ctx.nodes)
    for spec in graph.inputs:
        tq = tensor_quant(graph, spec.name)
        if tq is not None:
            ctx.node = graph.nodes[0]
            dq = f"{spec.name}/dequantized"
            for reader in graph.consumers(spec.name):  # a node kept in float reads the float input
                if spec.name in node_quant(reader).get("inputs", {}):
                    _rename_inputs(ctx, spec.name, dq, ctx.emitted[reader.name])
            nodes = _qdq_nodes(ctx, spec.name, dq, tq, np.dtype(spec.dtype)) + nodes
    ctx.nodes[:] = nodes
    for node in graph.nodes:  # a weighted node after a float one quantizes its input itself
        x = node_quant(node).get("x")
        if x is not None and tensor_quant(graph, node.inputs[0]) is None:
            ctx.node = node
            dq = ctx.fresh("x_dequantized")
            _rename_inputs(ctx, node.inputs[0], dq, ctx.emitted[node.name])
            position = ctx.nodes.index(ctx.emitted[node.name][0])
            ctx.nodes[position:position] = _qdq_nodes(ctx, node.inputs[0], dq, TensorQuant.from_meta(x),
                                                      np.dtype(graph.spec(node.inputs[0]).dtype))
    weights = []
    for node in graph.nodes:
        ctx.node = node
        for key, index in (("weight", 1), ("bias", 2)):
            tq = weight_quant(node, key)
            if tq is None:
                continue
            param = node.inputs[index]
            if param not in graph.params:
                raise UnsupportedOpError(f"the {key} '{param}' is not a param", node=node.name)
            dq = ctx.fresh(f"{key}_dequantized")
            if not _rename_inputs(ctx, param, dq, ctx.emitted[node.name]):
                raise UnsupportedOpError(f"no exported node reads the {key} '{param}' directly (a Dense over "
                                         "more than 2 axes)", node=node.name)
            ints = quantize_values(graph.params[param], tq)
            q_name = ctx.fresh(f"{key}_quantized")
            ctx.initializers.append(numpy_helper.from_array(ints, q_name))
            scale = ctx.const(f"{key}_scale", tq.scale, np.float32)
            zp = ctx.const(f"{key}_zero_point", tq.zero_point if tq.axis is None else
                           np.broadcast_to(tq.zero_point, np.shape(tq.scale)), ints.dtype)
            attrs = {"axis": tq.axis} if tq.axis is not None else {}
            weights.append(helper.make_node("DequantizeLinear", [q_name, scale, zp], [dq],
                                            name=f"{node.name}/{key}/DequantizeLinear", **attrs))
        for tensor in node.outputs:
            data = node_quant(node).get("outputs", {}).get(tensor)
            if data is None:
                continue
            raw = f"{tensor}/float"
            producer = next(n for n in reversed(ctx.nodes) if tensor in n.output)
            producer.output[list(producer.output).index(tensor)] = raw
            position = ctx.nodes.index(producer) + 1
            ctx.nodes[position:position] = _qdq_nodes(ctx, raw, tensor, tensor_quant(graph, tensor),
                                                      np.dtype(graph.spec(tensor).dtype))
    ctx.nodes[:0] = weights
