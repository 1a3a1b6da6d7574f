"""The ``fake_quant`` kernel variant: float kernels on quantized-then-dequantized values.

A node reads its graph inputs, weights and bias rounded to their grids, runs the plain float
kernel, and rounds each output to its grid: x -> (clip(round(x / s) + zp) - zp) * s.
Conv, ConvTranspose and Dense accumulate the integer codes exactly instead
and add the bias codes b_q, then scale in float32: y = float32(acc + b_q) * float32(s_x s_w) [+ residual],
so any runtime that sums integer-valued float32 exactly (every one does below 2**24) gets the
same bits; ``frontc.quant.explicit`` writes the same steps as ordinary ops.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.kernels.elementwise import fused_activation
from frontc.interpreter.registry import ANY_OP, get_kernel, kernel
from frontc.ir.graph import Node
from frontc.quant.annotations import TensorQuant, node_quant
from frontc.quant.quantize import accumulator_scale, codes, fake_quantize, output_groups

VARIANT = "fake_quant"
WEIGHTED = ("Conv", "ConvTranspose", "Dense")


@kernel(ANY_OP, variant=VARIANT)
def fake_quant_node(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray | list[np.ndarray]:
    nq = node_quant(node)
    ins = list(ins)
    read = nq.get("inputs", {})
    for i, tensor in enumerate(node.inputs):
        if tensor in read:
            ins[i] = fake_quantize(ins[i], TensorQuant.from_meta(read[tensor]))
    if node.op in WEIGHTED and "x" in nq:
        result: Any = _weighted(ins, attrs, node, nq)
    else:
        for key, index in (("weight", 1), ("bias", 2)):
            if key in nq:
                ins[index] = fake_quantize(ins[index], TensorQuant.from_meta(nq[key]))
        result = get_kernel(node.op)(ins, attrs)
    outs = nq.get("outputs", {})
    values = result if isinstance(result, list) else [result]
    values = [fake_quantize(v, TensorQuant.from_meta(outs[t])) if t in outs else v
              for t, v in zip(node.outputs, values)]
    return values if isinstance(result, list) else values[0]


def _weighted(ins: list[Any], attrs: dict[str, Any], node: Node, nq: dict[str, Any]) -> np.ndarray:
    from frontc.quant.integer import accumulate
    x_tq, w_tq = TensorQuant.from_meta(nq["x"]), TensorQuant.from_meta(nq["weight"])
    acc = accumulate(node.op, [codes(ins[0], x_tq), codes(ins[1], w_tq)], attrs).astype(np.float32)
    shape = [1] * acc.ndim
    shape[acc.ndim - 1 if node.op == "Dense" else 1] = -1
    if "bias" in nq:
        acc = acc + codes(ins[2], TensorQuant.from_meta(nq["bias"])).reshape(shape)
    y = acc * accumulator_scale(nq, output_groups(node)).reshape(shape)
    if len(ins) > 3 and ins[3] is not None:
        y = y + ins[3]
    return fused_activation(y.astype(np.float32, copy=False), attrs)
