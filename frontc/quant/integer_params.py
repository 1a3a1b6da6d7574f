"""What a ``*_t`` node needs to run in integers: int weights, int32 bias, requantization, tables.

For Conv/ConvTranspose/Dense: acc = sum(q_x * q_w) + q_b (exact, scale s_x * s_w), then
``y = clip(round((acc * m + residual * m_r) / 2**n))`` with m / 2**n = s_x * s_w / s_y and
m_r / 2**n = s_r / s_y (one shared shift, ONE rounding). A fused table activation (Sigmoid,
Swish, ...) requantizes to an int16 ``pre`` tensor first and looks the output up; a fused
LeakyRelu requantizes negative accumulators by alpha x the multiplier. Add/Sub sum their rescaled
inputs before one rounding too (Sub's subtrahend has a negative multiplier); Concat rescales each
input to the output scale; Mul requantizes the product by s_a * s_b / s_y.

A constant operand (a param, per tensor or broadcast per channel, e.g. a scale/bias left after
folding) is not quantized, as in fake quantization: Add/Sub add ``offset`` = round(±c / s_y * 2**n)
at the shared shift n before the one rounding; Mul (Div) by c requantizes by a signed multiplier per
element, m / 2**n ~ s_a * c / s_y (s_a / (c * s_y)), shaped as c (``constant`` names its input index).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.ir.ops.elementwise import ACTIVATION_OPS
from frontc.quant import lut, strategies
from frontc.quant.annotations import TensorQuant
from frontc.quant.fixed_point import joint_multipliers, multipliers, signed_multipliers

TABLE_ACTIVATIONS = ("Sigmoid", "HardSigmoid", "HardSwish", "Swish", "Tanh", "LeakyRelu", "Elu")
CLAMP_ACTIVATIONS = ("", "Relu", "Relu6", "Clip")


def integer_node(graph: Graph, node: Node, nq: dict[str, Any], acts: dict[str, TensorQuant],
                 strategy: str) -> None:
    """Fill ``nq`` with the integer execution data of ``node`` and store its integer params."""
    outs = [TensorQuant.from_meta(nq["outputs"][t]) for t in node.outputs if t in nq["outputs"]]
    pow2 = strategy.startswith("scale_shift")
    if node.op in ("Conv", "ConvTranspose", "Dense"):
        _weighted(graph, node, nq, acts, outs[0], pow2)
    elif node.op in ("Add", "Sub"):
        _linear(graph, node, nq, acts, float(outs[0].scale))
    elif node.op == "Concat":
        nq["rescale"] = {t: multipliers(_scale(acts, t, node) / float(outs[0].scale)) for t in node.inputs}
    elif node.op in ("Mul", "Div"):
        _product(graph, node, nq, acts, float(outs[0].scale))
    elif node.op in TABLE_ACTIVATIONS:
        a = node_attrs(node)
        params = [a[k] for k in ACTIVATION_OPS[node.op]]
        nq["lut"] = lut.activation_table(node.op, params, acts[node.inputs[0]], outs[0])
    elif node.op == "Softmax":
        nq["lut"] = lut.exp_table(acts[node.inputs[0]])
        nq["requant"] = multipliers(1.0 / float(outs[0].scale), bits=lut.EXP_BITS)


def constant_index(graph: Graph, node: Node) -> int | None:
    """The index of the binary node's constant (param) operand, or None when both are computed."""
    found = [i for i, t in enumerate(node.inputs) if t in graph.params]
    return found[0] if len(found) == 1 else None


def _linear(graph: Graph, node: Node, nq: dict[str, Any], acts: dict[str, TensorQuant], s_y: float) -> None:
    signs = (1.0, -1.0 if node.op == "Sub" else 1.0)
    const = constant_index(graph, node)
    terms = [(t, sign) for i, (t, sign) in enumerate(zip(node.inputs, signs)) if i != const]
    joint = joint_multipliers([sign * _scale(acts, t, node) / s_y for t, sign in terms])
    nq["rescale"] = {t: rq for (t, _), rq in zip(terms, joint)}
    if const is None:
        return
    nq["constant"] = const
    c = signs[const] * graph.params[node.inputs[const]].astype(np.float64) / s_y
    offset = np.floor(c * np.exp2(max(int(joint[0]["shift"]), 0)) + 0.5)
    if not np.all(np.abs(offset) < 2.0**60):
        raise OptionError(f"{node.op} constant '{node.inputs[const]}' is out of the integer range "
                          f"(|c / s_y| up to {np.abs(c).max():.3g})", node=node.name,
                          hint="recalibrate the output or use the fake-quant strategy")
    nq["offset"] = offset.astype(np.int64) if offset.ndim else int(offset)


def _product(graph: Graph, node: Node, nq: dict[str, Any], acts: dict[str, TensorQuant], s_y: float) -> None:
    const = constant_index(graph, node)
    if const is None:
        a, b = (_scale(acts, t, node) for t in node.inputs)
        nq["requant"] = multipliers(a * b / s_y)
        return
    nq["constant"] = const
    s_a = _scale(acts, node.inputs[1 - const], node)
    c = graph.params[node.inputs[const]].astype(np.float64)
    if node.op == "Div" and not np.all(c != 0):
        raise OptionError(f"Div by constant '{node.inputs[const]}', which has zeros", node=node.name)
    nq["requant"] = signed_multipliers(s_a * c / s_y if node.op == "Mul" else s_a / (c * s_y))


def _scale(acts: dict[str, TensorQuant], tensor: str, node: Node) -> float:
    if tensor not in acts:
        raise OptionError(f"{node.op} input '{tensor}' is not a quantized activation (a constant?)",
                          node=node.name, hint="integer execution needs both inputs computed; "
                                               "use the fake-quant strategy")
    return float(acts[tensor].scale)


def _weighted(graph: Graph, node: Node, nq: dict[str, Any], acts: dict[str, TensorQuant],
              out: TensorQuant, pow2: bool) -> None:
    from frontc.quant.quantize import output_groups, quantize_values
    x = acts[node.inputs[0]]
    wq = TensorQuant.from_meta(nq["weight"])
    w = graph.params[node.inputs[1]]
    qw = quantize_values(w, wq)
    _store(graph, node, 1, qw)
    acc_scale = np.asarray(wq.scale, np.float64) * float(x.scale)
    if acc_scale.ndim:
        acc_scale = np.tile(acc_scale, output_groups(node))
    bound = math.prod(w.shape[1:]) * (1 << (x.bits - 1)) * (1 << (wq.bits - 1))
    if node.op == "ConvTranspose":
        bound = math.prod(w.shape) // w.shape[1] * (1 << (x.bits - 1)) * (1 << (wq.bits - 1))
    if "bias" in nq:
        bq = TensorQuant.from_meta(nq["bias"])
        b = quantize_values(graph.params[node.inputs[2]].astype(np.float32), bq).astype(np.int64)
        if np.abs(b).max(initial=0) >= 2**31 - 1:
            raise OptionError("the int32 bias overflows: the weights' or input's scale is too small",
                              node=node.name, hint="recalibrate or use more weight bits")
        _store(graph, node, 2, b.astype(np.int32))
        bound += int(np.abs(b).max(initial=0))
    acc_bits = max(bound.bit_length() + 1, 2)
    if acc_bits > 53:
        raise OptionError(f"the accumulator needs {acc_bits} bits, over the 53 executed exactly",
                          node=node.name, hint="use fewer weight or activation bits")
    nq["accumulator"] = "int32" if acc_bits <= 32 else "int64"
    bits = min(31, 62 - acc_bits)
    a = node_attrs(node)
    target = out
    if a["activation"] in TABLE_ACTIVATIONS and a["activation"] != "LeakyRelu":
        target = strategies.pre_activation(out, pow2)
        nq["pre"] = target.to_meta()
        nq["lut"] = lut.activation_table(a["activation"], a["activation_params"], target, out)
    gains = {"requant": 1.0}
    if a["activation"] == "LeakyRelu":  # negative side: its own multipliers, alpha folded in
        gains["negative"] = (a["activation_params"] or [0.01])[0]
    residual = node.op == "Conv" and len(node.inputs) > 3 and node.inputs[3]
    for key, gain in gains.items():
        real = gain * acc_scale / float(target.scale)
        if residual:
            res = gain * float(acts[node.inputs[3]].scale) / float(target.scale)
            nq[key], nq[f"{key}_residual"] = joint_multipliers([real, res], bits)
        else:
            nq[key] = multipliers(real, bits)


def _store(graph: Graph, node: Node, index: int, value: np.ndarray) -> None:
    """Make input ``index`` of ``node`` the integer ``value``, under the same name when only it reads it."""
    name = node.inputs[index]
    if all(user is node for user in graph.consumers(name)) and node.inputs.count(name) == 1:
        graph.params[name] = value
    else:
        node.inputs[index] = graph.add_param(f"{name}.q", value)
        graph.invalidate()
