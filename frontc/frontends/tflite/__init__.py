"""The TFLite frontend: ``load(path, input_shapes=None) -> Graph`` for float (and, as their float
equivalent, quantized) .tflite flatbuffers, read with TensorFlow's own flatbuffer schema.

Quantized (int8) models are imported with their grids by ``frontc.quant.importers`` (``frontc qimport``).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

OPTIONS = ("name",)


def convert(path: str | os.PathLike, input_shapes: dict[str, Sequence[int]] | None = None,
            name: str | None = None) -> Any:
    """The ``Conversion`` (graph, grids, weights, TFLite tensor -> IR tensor) of a .tflite file."""
    from frontc.frontends.tflite.converters import Converter
    from frontc.frontends.tflite.reader import read

    model = read(path)
    shapes = {k: tuple(v) for k, v in (input_shapes or {}).items()}
    return Converter(model, name or os.path.splitext(os.path.basename(str(path)))[0]).run(shapes)


def load(model_or_path: Any, input_shapes: dict[str, Sequence[int]] | None = None, **options: Any) -> Graph:
    """Convert a .tflite file into a linted IR graph (NCHW; see ``frontc.frontends.tflite.converters``)."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise OptionError(f"unknown TFLite frontend option(s) {unknown}", hint=f"allowed: {list(OPTIONS)}")
    return convert(model_or_path, input_shapes, options.get("name")).graph
