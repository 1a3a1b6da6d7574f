"""The ONNX converter registry and the conversion context that converters emit IR through.

Every ONNX tensor is bound to a *value*: the name of an IR tensor, or a ``Const``
whose numpy value is known at conversion time (initializers, Constant nodes and
everything computed from them alone). ``Context.emit`` folds an IR op whose
inputs are all constants with the interpreter's kernels instead of emitting it,
so shape subgraphs (Shape -> Gather -> Concat -> Reshape...) vanish during
conversion; a constant becomes an IR param only when an emitted node reads it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.frontends.registry import ConverterRegistry
from frontc.interpreter import get_kernel
from frontc.ir.errors import FrontcError, GraphError, UnsupportedOpError
from frontc.ir.schema import get_schema, resolved_attrs

REGISTRY = ConverterRegistry("onnx")


class ConstantRequired(UnsupportedOpError):
    """A converter needs tensor ``tensor`` constant, but it is computed at run time."""

    def __init__(self, message: str, *, tensor: str, node: str | None = None, hint: str | None = None) -> None:
        self.tensor = tensor
        super().__init__(message, node=node, hint=hint)


CONSTANT_HINT = ("pass input_shapes={name: shape} so that the model's shape computations fold into constants, "
                 "bind the input's value with constants={name: array} (--input-value NAME=FILE.npy), or "
                 "export the model with static shapes")


@dataclass
class Const:
    """A tensor whose value is known while converting; ``param`` is its IR name once stored."""

    value: np.ndarray
    name: str
    param: str | None = None


Value = str | Const


@dataclass
class OnnxNode:
    """One ONNX node: ``name`` is the traceable IR name (node name, else its first output)."""

    name: str
    op: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any]
    opset: int

    def attr(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)

    def has_input(self, i: int) -> bool:
        return i < len(self.inputs) and bool(self.inputs[i])


class Context:
    """Conversion state: the GraphBuilder and the value bound to every ONNX tensor."""

    def __init__(self, builder: GraphBuilder) -> None:
        self.builder = builder
        self.values: dict[str, Value] = {}

    # ------------------------------------------------------------------ inputs
    def x(self, node: OnnxNode, i: int) -> Value | None:
        """The value of input ``i``; None when the input is omitted."""
        if not node.has_input(i):
            return None
        name = node.inputs[i]
        if name not in self.values:
            raise GraphError(f"input '{name}' of {node.op} is not produced by a node the frontend "
                             "supports (an unsupported optional output?)", node=node.name)
        return self.values[name]

    def const(self, node: OnnxNode, i: int) -> np.ndarray | None:
        """The constant value of input ``i``; None when it is omitted or computed at run time."""
        value = self.x(node, i)
        return value.value if isinstance(value, Const) else None

    def need_const(self, node: OnnxNode, i: int, what: str) -> np.ndarray | None:
        """The value of input ``i`` (None when omitted); an error when it is not a constant."""
        value = self.x(node, i)
        if value is None or isinstance(value, Const):
            return None if value is None else value.value
        raise ConstantRequired(
            f"{node.op} input '{what}' (tensor '{node.inputs[i]}') must be a constant for frontc, "
            "but it is computed from the input data at run time", tensor=node.inputs[i], node=node.name,
            hint=CONSTANT_HINT)

    def ints(self, node: OnnxNode, i: int, what: str) -> list[int] | None:
        """Constant input ``i`` as a list of Python ints (None when omitted)."""
        value = self.need_const(node, i, what)
        return None if value is None else [int(v) for v in value.reshape(-1)]

    def floats(self, node: OnnxNode, i: int, what: str) -> list[float] | None:
        """Constant input ``i`` as a list of Python floats (None when omitted)."""
        value = self.need_const(node, i, what)
        return None if value is None else [float(v) for v in value.reshape(-1)]

    def shape(self, value: Value) -> tuple[int, ...]:
        return value.value.shape if isinstance(value, Const) else self.builder.shape(value)

    def dtype(self, value: Value) -> str:
        return str(value.value.dtype) if isinstance(value, Const) else self.builder.graph.spec(value).dtype

    def constant(self, value: Any, name: str) -> Const:
        """A new constant (a param only if an emitted node reads it)."""
        return Const(np.asarray(value), name)

    def tensor(self, value: Value) -> str:
        """The IR tensor name of ``value``, storing a constant as a param on first use."""
        if not isinstance(value, Const):
            return value
        if value.param is None:
            value.param = self.builder.param(value.name, value.value, dtype=str(value.value.dtype))
        return value.param

    # ----------------------------------------------------------------- outputs
    def emit(self, node: OnnxNode, op: str, inputs: Sequence[Value | None],
             attrs: dict[str, Any] | None = None, *, suffix: str = "",
             outputs: int = 1) -> Any:
        """Add IR node ``op`` for ``node`` (folded when every input is a constant).

        Returns one value, or a list of ``outputs`` values when ``outputs`` > 1.
        """
        name = f"{node.name}/{suffix}" if suffix else node.name
        attrs = dict(attrs or {})
        present = [v for v in inputs if v is not None]
        if present and all(isinstance(v, Const) for v in present):
            results = self._fold(node, op, inputs, attrs, name)
            if outputs > 1 or isinstance(results, list):
                return [Const(r, f"{name}:{k}" if k else name) for k, r in enumerate(results)]
            return Const(results, name)
        names = [self.tensor(v) if v is not None else "" for v in inputs]
        while names and not names[-1]:
            names.pop()
        outs = self.builder.add(op, names, attrs, name=name, source=node.name, outputs=outputs)
        return outs if outputs > 1 else outs[0]

    def _fold(self, node: OnnxNode, op: str, inputs: Sequence[Value | None], attrs: dict[str, Any],
              name: str) -> Any:
        args = [v.value if isinstance(v, Const) else None for v in inputs]
        try:
            resolved = resolved_attrs(get_schema(op), attrs, name)
            result = get_kernel(op)(args, resolved)
        except FrontcError:
            raise
        except (ValueError, TypeError, IndexError) as exc:
            raise GraphError(f"cannot fold {node.op} over its constant inputs: {exc}",
                             node=node.name) from None
        return [np.asarray(r) for r in result] if isinstance(result, list) else np.asarray(result)

    def bind(self, node: OnnxNode, results: Value | np.ndarray | Sequence[Value | np.ndarray]) -> None:
        """Bind the converter's results to the node's outputs (arrays become constants)."""
        if not isinstance(results, (list, tuple)):
            results = [results]
        for out, value in zip(node.outputs, results):
            if not out:
                continue
            if isinstance(value, np.ndarray):
                value = Const(value, out)
            elif isinstance(value, Const) and value.param is None:
                value = Const(value.value, out)
            self.values[out] = value
