"""The MXNet converter registry and the context converters work through."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.frontends.mxnet.symbol import MxNode, Symbol
from frontc.frontends.registry import ConverterRegistry
from frontc.ir.errors import ModelLoadError, UnsupportedOpError

REG = ConverterRegistry("mxnet")


class Context:
    """What a converter sees: the symbol, the weights, and the IR being built.

    ``tensors`` maps (node index, output index) to IR tensor names; a weight
    becomes an IR param (named as in MXNet) the first time a node reads it.
    """

    def __init__(self, symbol: Symbol, params: dict[str, np.ndarray], builder: GraphBuilder) -> None:
        self.symbol = symbol
        self.params = params
        self.builder = builder
        self.tensors: dict[tuple[int, int], str] = {}

    # ----------------------------------------------------------------- inputs
    def source(self, node: MxNode, i: int) -> MxNode:
        """The MXNet node that feeds input ``i`` of ``node``."""
        if i >= len(node.inputs):
            raise ModelLoadError(f"{node.op} has {len(node.inputs)} inputs, input {i} is needed",
                                 path=self.symbol.path, node=node.name)
        return self.symbol.nodes[node.inputs[i][0]]

    def x(self, node: MxNode, i: int = 0) -> str:
        """The IR tensor name of input ``i`` of ``node``."""
        src = self.source(node, i)
        key = (src.index, node.inputs[i][1])
        if key not in self.tensors:
            if src.op == "null" and src.name in self.params:
                self.tensors[key] = self.builder.param(src.name, self.params[src.name])
            else:
                raise UnsupportedOpError(f"output {key[1]} of {src.op} node '{src.name}' is read "
                                         "but not converted", path=self.symbol.path, node=node.name)
        return self.tensors[key]

    def xs(self, node: MxNode) -> list[str]:
        return [self.x(node, i) for i in range(len(node.inputs))]

    def const(self, node: MxNode, i: int) -> np.ndarray | None:
        """The stored value of input ``i`` when it is a weight, else None."""
        src = self.source(node, i)
        return self.params.get(src.name) if src.op == "null" else None

    def shape(self, tensor: str) -> tuple[int, ...]:
        return self.builder.shape(tensor)

    def dtype(self, tensor: str) -> str:
        return self.builder.graph.spec(tensor).dtype

    # ---------------------------------------------------------------- outputs
    def add(self, op: str, inputs: Sequence[str], attrs: dict[str, Any] | None, node: MxNode,
            suffix: str = "") -> str:
        """Add one IR node named after ``node`` (plus ``suffix`` for helper nodes)."""
        return self.builder.add1(op, inputs, attrs, name=node.name + suffix, source=node.name)

    def add_multi(self, op: str, inputs: Sequence[str], attrs: dict[str, Any], node: MxNode,
                  outputs: int, suffix: str = "") -> list[str]:
        return self.builder.add(op, inputs, attrs, name=node.name + suffix, source=node.name,
                                outputs=outputs)

    def constant(self, value: Any, node: MxNode, suffix: str, dtype: str) -> str:
        """A param holding ``value`` as ``dtype``, named after ``node``."""
        return self.builder.param(node.name + suffix, np.asarray(value, dtype=dtype), dtype=dtype)

    def unsupported(self, node: MxNode, what: str) -> UnsupportedOpError:
        """The error for a supported op used with settings no converter handles."""
        return UnsupportedOpError(f"{node.op} with {what} is not supported", path=self.symbol.path,
                                  node=node.name, hint="nothing was converted; please report it")
