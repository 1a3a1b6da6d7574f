"""The ONNX frontend: ``load(model_or_path, input_shapes=None) -> Graph``.

Converters live in one module per op family and register themselves in
``REGISTRY`` (keyed by op type and the opset their semantics start at).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from frontc.frontends.onnx import (  # noqa: F401
    attention,
    bitwise,
    composite,
    conv,
    elementwise,
    functions,
    integer,
    logic,
    losses,
    nn,
    pool,
    recurrent,
    reduce,
    resize,
    shape_ops,
    signal,
    tensor,
)
from frontc.frontends.onnx.context import REGISTRY
from frontc.frontends.onnx.loader import check_ops, convert, model_opset, read_model
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

__all__ = ["REGISTRY", "load"]

OPTIONS = ("name", "constants")


def load(model_or_path: Any, input_shapes: dict[str, Sequence[int]] | None = None,
         **options: Any) -> Graph:
    """Convert an ONNX model (a path or an ``onnx.ModelProto``) into a linted IR graph.

    ``input_shapes`` fixes dynamic input dims, which lets shape subgraphs fold away;
    ``name=`` names the graph (default: the ONNX graph's name); ``constants={input: array}`` binds
    inputs to fixed values (shapes, axes, pads... that frontc needs constant), which fold away.
    Every unsupported op is reported at once, before anything is converted.
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise OptionError(f"unknown ONNX frontend option(s) {unknown}", hint=f"allowed: {list(OPTIONS)}")
    model, where = read_model(model_or_path)
    opset = model_opset(model, where)
    check_ops(model, opset, where)
    return convert(model, opset, where, input_shapes, options.get("name"), options.get("constants"))
