"""The ``fake_quant`` kernel variant: float kernels on quantized-then-dequantized values.

A node reads its graph inputs, weights and bias rounded to their grids, runs the plain float
kernel, and rounds each output to its grid: x -> (clip(round(x / s) + zp) - zp) * s.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import ANY_OP, get_kernel, kernel
from frontc.ir.graph import Node
from frontc.quant.annotations import TensorQuant, node_quant
from frontc.quant.quantize import fake_quantize

VARIANT = "fake_quant"


@kernel(ANY_OP, variant=VARIANT)
def fake_quant_node(ins: list[Any], attrs: dict[str, Any], node: Node) -> np.ndarray | list[np.ndarray]:
    nq = node_quant(node)
    ins = list(ins)
    read = nq.get("inputs", {})
    for i, tensor in enumerate(node.inputs):
        if tensor in read:
            ins[i] = fake_quantize(ins[i], TensorQuant.from_meta(read[tensor]))
    for key, index in (("weight", 1), ("bias", 2)):
        if key in nq:
            ins[index] = fake_quantize(ins[index], TensorQuant.from_meta(nq[key]))
    result = get_kernel(node.op)(ins, attrs)
    outs = nq.get("outputs", {})
    values = result if isinstance(result, list) else [result]
    values = [fake_quantize(v, TensorQuant.from_meta(outs[t])) if t in outs else v
              for t, v in zip(node.outputs, values)]
    return values if isinstance(result, list) else values[0]
