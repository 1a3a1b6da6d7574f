"""What a layer's C generator sees: the node, its attributes and quantization, tensor pointers, the blob."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.cmodel.blob import Blob, c_type
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.quant.annotations import TensorQuant, node_quant


@dataclass
class LayerContext:
    """One node being emitted; ``pointers`` maps each activation tensor to its C pointer expression."""

    graph: Graph
    node: Node
    blob: Blob
    pointers: dict[str, str]
    dtypes: dict[str, str]

    @property
    def attrs(self) -> dict[str, Any]:
        return node_attrs(self.node)

    @property
    def quant(self) -> dict[str, Any]:
        return node_quant(self.node)

    def shape(self, tensor: str) -> tuple[int, ...]:
        return tuple(self.graph.spec(tensor).shape)

    def ctype(self, tensor: str) -> str:
        """The C type of an activation or a param."""
        if tensor in self.graph.params:
            return c_type(self.graph.params[tensor].dtype)
        return c_type(self.dtypes[tensor])

    def ptr(self, tensor: str, const: bool = True) -> str:
        """``const T *name_of_it = <pointer>;`` declaration text, for the local name the caller picks."""
        return f"({'const ' if const else ''}{self.ctype(tensor)} *)({self.pointers[tensor]})"

    def out(self, i: int = 0) -> TensorQuant:
        return TensorQuant.from_meta(self.quant["outputs"][self.node.outputs[i]])

    def param(self, i: int) -> np.ndarray:
        return self.graph.params[self.node.inputs[i]]

    def per_channel(self, requant: dict, channels: int) -> tuple[str, str]:
        """Blob pointers to the multipliers (int64) and shifts (int32) of ``requant``, one per channel."""
        m = np.broadcast_to(np.asarray(requant["multiplier"], np.int64), (channels,))
        n = np.broadcast_to(np.asarray(requant["shift"], np.int64), (channels,))
        return self.blob.add(m, "int64"), self.blob.add(n, "int32")


def window_range(var: str, out: str, stride: int, pad: int, dilation: int, kernel: int, size: int) -> str:
    """C declaring ``{var}0`` (the window's first input index) and the taps ``[{var}lo, {var}hi)`` of a
    window that fall inside ``[0, size)``: loops over ranges, not a bounds test per tap (GCC 12 -O3
    miscompiled the per-tap test in a max pool)."""
    return (f"int {var}0 = {out} * {stride} - {pad};\n"
            f"int {var}lo = {var}0 >= 0 ? 0 : (-{var}0 + {dilation - 1}) / {dilation};\n"
            f"int {var}hi = {var}0 > {size - 1} ? 0 : ({size - 1} - {var}0) / {dilation} + 1;\n"
            f"if ({var}hi > {kernel}) {var}hi = {kernel};\n"
            f"if ({var}hi < {var}lo) {var}hi = {var}lo;\n")


def x_zero_point(ctx: LayerContext) -> int:
    """The input's zero point (imported asymmetric models; 0 for frontc's own): padded taps hold it and
    the bias absorbs -z * sum(w), so the dot products sum (x - z) * w with pads as real zeros."""
    return int(TensorQuant.from_meta(ctx.quant["x"]).zero_point) if "x" in ctx.quant else 0
