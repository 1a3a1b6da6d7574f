"""ONNX constants and shape arithmetic, evaluated while converting.

IR tensors have static shapes, so Shape and Size are always constants. The
other ops here exist in shape subgraphs only: they are computed with numpy when
their inputs are constants, and are unsupported on run-time data.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from frontc.frontends.onnx.context import CONSTANT_HINT, REGISTRY, ConstantRequired, Context, OnnxNode
from frontc.frontends.onnx.loader import NUMERIC_TYPES
from frontc.ir.errors import UnsupportedOpError

CONSTANT_ATTRS: dict[str, Callable[[object], np.ndarray]] = {
    "value": np.asarray,
    "value_float": lambda v: np.asarray(v, dtype=np.float32),
    "value_floats": lambda v: np.asarray(v, dtype=np.float32),
    "value_int": lambda v: np.asarray(v, dtype=np.int64),
    "value_ints": lambda v: np.asarray(v, dtype=np.int64),
}

CONSTANT_ONLY: dict[str, Callable[..., np.ndarray]] = {
    "Range": lambda start, limit, delta: np.arange(start, limit, delta, dtype=np.asarray(start).dtype),
}


@REGISTRY.register("Constant", since=1)
def constant(node: OnnxNode, ctx: Context) -> np.ndarray:
    """ONNX Constant: its tensor or scalar/list attribute."""
    for key, make in CONSTANT_ATTRS.items():
        if key in node.attrs:
            value = make(node.attrs[key])
            if str(value.dtype) not in NUMERIC_TYPES:
                raise UnsupportedOpError(f"Constant of dtype {value.dtype} is not supported", node=node.name,
                                         hint=f"supported: {', '.join(NUMERIC_TYPES)}")
            return value
    raise UnsupportedOpError(f"Constant with attribute(s) {sorted(node.attrs)} is not supported",
                             node=node.name, hint="numeric value attributes are")


@REGISTRY.register("Shape", since=1)
def shape(node: OnnxNode, ctx: Context) -> np.ndarray:
    """ONNX Shape (with opset-15 start/end): a constant, since IR shapes are static."""
    dims = ctx.shape(ctx.x(node, 0))
    return np.asarray(dims[node.attr("start", 0):node.attr("end", len(dims))], dtype=np.int64)


@REGISTRY.register("Size", since=1)
def size(node: OnnxNode, ctx: Context) -> np.ndarray:
    """ONNX Size: a constant element count."""
    return np.asarray(int(np.prod(ctx.shape(ctx.x(node, 0)))), dtype=np.int64)


@REGISTRY.register("ConstantOfShape", since=9)
def constant_of_shape(node: OnnxNode, ctx: Context) -> np.ndarray:
    """ONNX ConstantOfShape: a constant filled with ``value`` (float32 0 by default)."""
    value = np.asarray(node.attr("value", np.zeros(1, dtype=np.float32)))
    return np.full(ctx.ints(node, 0, "shape"), value.reshape(-1)[0], dtype=value.dtype)


@REGISTRY.register(*CONSTANT_ONLY, since=1)
def constant_only(node: OnnxNode, ctx: Context) -> np.ndarray:
    """ONNX Range on constant inputs (shape arithmetic)."""
    args = []
    for i, name in enumerate(node.inputs):
        value = ctx.const(node, i)
        if value is None:
            raise ConstantRequired(f"{node.op} on run-time data is not supported (input '{name}' "
                                   "is not a constant)", tensor=name, node=node.name, hint=CONSTANT_HINT)
        args.append(value)
    return np.asarray(CONSTANT_ONLY[node.op](*args))
