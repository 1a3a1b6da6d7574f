"""What the TF GraphDef op converters share: the registry, the node record, the context.

A converter takes a TFNode whose inputs are Values (IR tensors) or numpy arrays
(constants, folded as the conversion goes) and returns one Value or array per
output it supports. Ops whose inputs are all constant are evaluated with numpy.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.frontends.keras_tf.context import Context, Operand, Value
from frontc.frontends.registry import ConverterRegistry
from frontc.ir.errors import UnsupportedOpError

REGISTRY = ConverterRegistry("tf")

# Op type -> a function naming what about a node no converter handles (None: all of it is).
VARIANTS: dict[str, Callable[[TFNode], str | None]] = {}


def attr_value(value: Any) -> Any:
    """A TF AttrValue as a Python value (str, int, float, bool, list, numpy dtype, shape, array)."""
    import tensorflow as tf

    kind = value.WhichOneof("value")
    if kind == "list":
        for name in ("i", "f", "s", "b", "type", "shape"):
            items = list(getattr(value.list, name))
            if items:
                return [s.decode() for s in items] if name == "s" else items
        return []
    if kind == "s":
        return value.s.decode()
    if kind == "type":
        return tf.dtypes.as_dtype(value.type).as_numpy_dtype
    if kind == "shape":
        return None if value.shape.unknown_rank else [d.size for d in value.shape.dim]
    if kind == "tensor":
        return tf.make_ndarray(value.tensor)
    return getattr(value, kind) if kind else None


@dataclass
class TFNode:
    """One GraphDef node: its name, op type, attributes and resolved data inputs."""

    name: str
    op: str
    attrs: Any
    inputs: list[Operand] = field(default_factory=list)
    refs: list[tuple[str, int]] = field(default_factory=list)  # the source tensors read

    def attr(self, key: str, default: Any = None) -> Any:
        return attr_value(self.attrs[key]) if key in self.attrs else default

    def const(self, i: int) -> np.ndarray:
        """Input ``i``, which must be a constant (after folding)."""
        value = self.inputs[i]
        if not isinstance(value, np.ndarray):
            raise UnsupportedOpError(f"{self.op} needs input {i} to be a constant, but it is computed "
                                     "at run time", node=self.name,
                                     hint="freeze the graph and fix the input shapes")
        return value

    @property
    def folded(self) -> bool:
        """True when every input is a constant (the node folds to numpy)."""
        return all(isinstance(v, np.ndarray) for v in self.inputs)


class Pending:
    """A partly converted op pattern (not an IR tensor yet): only the ops in ``readers`` may
    read it; any other reader gets ``materialize``'s plain IR tensor instead."""

    readers: ClassVar[tuple[str, ...]] = ()

    def materialize(self, ctx: TFContext) -> Value:
        raise NotImplementedError


class TFContext(Context):
    """A Context that also knows the requested input shapes and how often each source
    tensor is read (to fold a BiasAdd into the Conv/MatMul before it)."""

    def __init__(self, builder: GraphBuilder, input_shapes: dict[str, Sequence[int]] | None,
                 readers: dict[tuple[str, int], int]) -> None:
        super().__init__(builder)
        self.input_shapes = input_shapes
        self.readers = readers
        self._materialized: dict[int, tuple[Pending, Value]] = {}

    def materialize(self, pending: Pending) -> Value:
        """The IR tensor of a pending pattern (emitted once)."""
        if id(pending) not in self._materialized:
            self._materialized[id(pending)] = (pending, pending.materialize(self))
        return self._materialized[id(pending)][1]


def variant(*ops: str) -> Callable[[Callable[[TFNode], str | None]], Callable[[TFNode], str | None]]:
    """Decorator: ``fn(node)`` names the unsupported configuration of a node, or None."""

    def decorate(fn: Callable[[TFNode], str | None]) -> Callable[[TFNode], str | None]:
        for op in ops:
            VARIANTS[op] = fn
        return fn

    return decorate


def nhwc_only(node: TFNode) -> str | None:
    """Variant check of ops with a data_format: only NHWC (TF's CPU format) is handled."""
    fmt = node.attr("data_format", "NHWC")
    return None if fmt in ("NHWC", "NDHWC") else fmt


def spatial(values: Sequence[int]) -> list[int]:
    """The H, W entries of an NHWC 4-list (strides, dilations, ksize)."""
    return [int(values[1]), int(values[2])]
