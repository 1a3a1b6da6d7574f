"""Layer factories: one function per IR op building the nn.Module that computes a node.

A factory is a pure function of (node, context) returning the module. The layer is called
with the node's inputs that it does not hold itself, in input order (empty optional inputs
left out). ``slots`` name the inputs a layer holds when they are params (weights, BatchNorm
statistics) and the attribute path of each inside the layer; ``frontc.backends.torch.params``
derives the state-dict keys from them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Node, TensorSpec

TORCH_DTYPES = {"bool": torch.bool, "uint8": torch.uint8, "int8": torch.int8, "int16": torch.int16,
                "int32": torch.int32, "int64": torch.int64, "float16": torch.float16,
                "float32": torch.float32, "float64": torch.float64, "complex64": torch.complex64,
                "complex128": torch.complex128}


@dataclass(frozen=True)
class LayerContext:
    """What a factory sees: the node, its resolved attrs, the specs of its inputs (None where
    empty) and outputs, and the params the layer holds by input index."""

    node: Node
    attrs: dict[str, Any]
    inputs: list[TensorSpec | None]
    outputs: list[TensorSpec]
    held: dict[int, np.ndarray]

    def shape(self, i: int = 0) -> tuple[int, ...]:
        spec = self.inputs[i]
        return spec.shape if spec is not None else ()

    @property
    def out_shape(self) -> tuple[int, ...]:
        return self.outputs[0].shape

    def dtype(self, i: int = 0) -> torch.dtype:
        spec = self.inputs[i]
        return torch_dtype(spec.dtype if spec is not None else "float32", self)

    @property
    def out_dtype(self) -> torch.dtype:
        return torch_dtype(self.outputs[0].dtype, self)

    def present(self, i: int) -> bool:
        return i < len(self.inputs) and self.inputs[i] is not None

    def holds(self, i: int) -> bool:
        return i in self.held

    def need_held(self, *indices: int) -> None:
        """Refuse a node whose weights (inputs ``indices``, where present) are not params."""
        for i in indices:
            if self.present(i) and not self.holds(i):
                raise self.unsupported(f"input {i} ('{self.node.inputs[i]}') is not a param",
                                       hint="to_torch builds this layer from constant weights; "
                                            "fold the producer into a param first")

    def unsupported(self, message: str, hint: str | None = None) -> UnsupportedOpError:
        return UnsupportedOpError(f"to_torch cannot express this {self.node.op}: {message}",
                                  node=self.node.name, hint=hint)


def torch_dtype(name: str, ctx: LayerContext | None = None) -> torch.dtype:
    """The torch dtype of a numpy dtype name; UnsupportedOpError naming the node if none."""
    try:
        return TORCH_DTYPES[name]
    except KeyError:
        message = f"dtype {name} has no torch equivalent used here"
        hint = f"use one of {sorted(TORCH_DTYPES)}"
        if ctx is not None:
            raise ctx.unsupported(message, hint) from None
        raise UnsupportedOpError(f"to_torch: {message}", hint=hint) from None


Factory = Callable[[Node, LayerContext], nn.Module]


@dataclass(frozen=True)
class LayerSpec:
    op: str
    build: Factory
    slots: dict[int, str]


_FACTORIES: dict[str, LayerSpec] = {}


def layer(*ops: str, slots: dict[int, str] | None = None) -> Callable[[Factory], Factory]:
    """Register the decorated factory for ``ops``; registering an op twice is an error."""

    def decorate(fn: Factory) -> Factory:
        for op in ops:
            if op in _FACTORIES:
                raise ValueError(f"a torch layer factory for {op} is registered twice")
            _FACTORIES[op] = LayerSpec(op, fn, dict(slots or {}))
        return fn

    return decorate


def layer_spec(op: str) -> LayerSpec | None:
    import frontc.backends.torch.layers  # noqa: F401  (registers every factory)
    return _FACTORIES.get(op)


def layer_ops() -> list[str]:
    import frontc.backends.torch.layers  # noqa: F401
    return sorted(_FACTORIES)
