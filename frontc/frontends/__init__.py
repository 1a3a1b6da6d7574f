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


INPUT_DTYPES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")


def resolve_input_dtypes(input_dtypes: dict[str, str] | None, names: Sequence[str]) -> dict[str, str]:
    """Input dtypes by input name (numpy names; the key ``""`` means the model's only input)."""
    dtypes = {}
    for name, dtype in (input_dtypes or {}).items():
        if str(dtype) not in INPUT_DTYPES:
            raise OptionError(f"input dtype '{dtype}' for '{name or 'the input'}' is not supported",
                              hint=f"choose one of {', '.join(INPUT_DTYPES)}")
        dtypes[name] = str(dtype)
    if "" in dtypes:
        if len(names) != 1:
            raise OptionError(f"a dtype without an input name fits only single-input models; this one "
                              f"has inputs {list(names)}", hint="write --input-dtype NAME=int64")
        dtypes[names[0]] = dtypes.pop("")
    return dtypes


def check_declared_dtypes(input_dtypes: dict[str, str] | None, declared: dict[str, str], where: str) -> None:
    """OptionError when ``input_dtypes`` names an input that is not declared or gives another dtype
    than the model declares (frameworks whose models declare their input dtypes)."""
    for name, dtype in resolve_input_dtypes(input_dtypes, list(declared)).items():
        if name not in declared:
            raise OptionError(f"input_dtypes names '{name}', which is not an input of {where}",
                              hint=f"its inputs are {list(declared)}")
        if declared[name] != dtype:
            raise OptionError(f"input_dtypes gives {dtype} for input '{name}', but {where} declares "
                              f"{declared[name]}", hint="leave it out: the declared dtype is used")


def load(source: Any, framework: str, input_shapes: dict[str, Sequence[int]] | None = None,
         input_dtypes: dict[str, str] | None = None, **options: Any) -> Graph:
    """Lower ``source`` (a model object, file, directory or zoo name) into a linted IR graph.

    ``input_dtypes`` (``{"ids": "int64"}``) declares integer inputs such as token ids: the torch
    frontend traces with integer example inputs of that dtype; frontends of models that declare
    their dtypes check it against the declaration.
    """
    module = framework_module(framework)
    if input_dtypes and module.__name__ == FRAMEWORKS["torch"]:
        options["input_dtypes"] = input_dtypes
    graph = module.load(source, input_shapes=input_shapes, **options)
    if input_dtypes and module.__name__ != FRAMEWORKS["torch"]:
        check_declared_dtypes(input_dtypes, {spec.name: spec.dtype for spec in graph.inputs},
                              f"the {framework} model")
    return graph
