"""Frontends: lower MXNet/Gluon, PyTorch, TensorFlow/Keras and ONNX models into the IR.

Each framework's package exposes ``load(model_or_path, ...) -> Graph`` and is
imported only when used, so that importing frontc never imports a framework.
"""
from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

FRAMEWORKS = {
    "mxnet": "frontc.frontends.mxnet",
    "torch": "frontc.frontends.torch",
    "tf": "frontc.frontends.keras_tf",
    "onnx": "frontc.frontends.onnx",
}
ALIASES = {"pytorch": "torch", "keras": "tf", "tensorflow": "tf", "gluon": "mxnet", "gluoncv": "mxnet"}


def canonical(framework: str) -> str:
    """The frontend name of ``framework`` (aliases: pytorch, keras, tensorflow, gluon, gluoncv)."""
    key = ALIASES.get(framework.lower(), framework.lower())
    if key not in FRAMEWORKS:
        raise OptionError(f"unknown framework '{framework}'", hint=f"choose one of {sorted(FRAMEWORKS)} "
                          f"(or {', '.join(sorted(ALIASES))})")
    return key


def framework_module(framework: str):
    """The frontend package of ``framework`` (imported on first use)."""
    return importlib.import_module(FRAMEWORKS[canonical(framework)])


def resolve_input_shapes(input_shapes: dict[str, Sequence[int]] | None,
                         names: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Input shapes by input name; the key ``""`` (a shape given without a name) means the
    model's only input."""
    shapes = {name: tuple(int(d) for d in shape) for name, shape in (input_shapes or {}).items()}
    if "" in shapes:
        if len(names) != 1:
            raise OptionError(f"a shape without an input name fits only single-input models; this one "
                              f"has inputs {list(names)}", hint="write --input-shape NAME=dims")
        shapes[names[0]] = shapes.pop("")
    return shapes


def load(source: Any, framework: str, input_shapes: dict[str, Sequence[int]] | None = None,
         **options: Any) -> Graph:
    """Lower ``source`` (a model object, file, directory or zoo name) into a linted IR graph."""
    return framework_module(framework).load(source, input_shapes=input_shapes, **options)
