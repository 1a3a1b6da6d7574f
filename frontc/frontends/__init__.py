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


def framework_module(framework: str):
    """The frontend package of ``framework`` (imported on first use)."""
    key = ALIASES.get(framework.lower(), framework.lower())
    if key not in FRAMEWORKS:
        raise OptionError(f"unknown framework '{framework}'",
                          hint=f"choose one of {sorted(FRAMEWORKS)}")
    return importlib.import_module(FRAMEWORKS[key])


def load(source: Any, framework: str, input_shapes: dict[str, Sequence[int]] | None = None,
         **options: Any) -> Graph:
    """Lower ``source`` (a model object, file, directory or zoo name) into a linted IR graph."""
    return framework_module(framework).load(source, input_shapes=input_shapes, **options)
