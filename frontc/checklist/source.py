"""Step 1 of the checklist: resolve what the user named into an imported graph and a reference output.

MODEL_OR_CONFIG is a built-in model case (``[framework:]name``, e.g. ``resnet50_v1b`` or
``torch:efficientnet_lite0``: the source framework computes the reference output), a model file
(framework from its suffix), or a YAML config in the checklist's style (see configs/).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from frontc.frontends import load
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.testing.case import seeded_input
from frontc.testing.catalog import MODULES, all_cases

SUFFIXES = {".onnx": "onnx", ".json": "mxnet", ".pt": "torch", ".pth": "torch", ".keras": "tf", ".h5": "tf",
            ".pb": "tf"}
ALIASES = {"resnet50v1b": "resnet50_v1b"}


@dataclass
class Source:
    """An imported model with the input it is checked on and the reference output for that input."""

    name: str
    framework: str
    graph: Graph
    feeds: dict[str, np.ndarray]
    reference: np.ndarray
    reference_from: str
    details: dict[str, Any] = field(default_factory=dict)


def resolve(model_or_config: str) -> Source:
    """The Source for a case name, a model file or a YAML config."""
    path = Path(model_or_config)
    if path.suffix in (".yml", ".yaml"):
        return from_config(path)
    if path.exists():
        framework = SUFFIXES.get(path.suffix) or ("tf" if path.is_dir() else None)
        if framework is None:
            raise OptionError(f"cannot tell the framework of {path}", hint="use a YAML config with MODEL.framework")
        return from_model(framework, str(path), None, path.stem)
    return from_case(model_or_config)


def from_case(text: str) -> Source:
    framework, _, name = text.rpartition(":")
    name = ALIASES.get(name, name)
    matches = [(fw, n, f) for fw, n, f in all_cases([framework] if framework else None) if n == name]
    if framework and framework not in MODULES:
        raise OptionError(f"unknown framework '{framework}' in '{text}'", hint=f"one of {list(MODULES)}")
    if not matches:
        known = sorted({n for _, n, _ in all_cases()})
        raise OptionError(f"'{text}' is not a file, a YAML config or a built-in model", hint=f"built-in: {known}")
    framework, name, factory = matches[0]
    case = factory()
    graph = load(case.source, framework, input_shapes=case.input_shapes, **case.options)
    return Source(name, framework, graph, case.feeds, case.reference[0], f"{framework} (the source framework)",
                  {"input_shape": list(graph.inputs[0].shape)})


def from_model(framework: str, model: Any, input_shapes: dict | None, name: str, epoch: int | None = None,
               given_input: np.ndarray | None = None, reference: np.ndarray | None = None) -> Source:
    """Import ``model``; without a given reference, the interpreter's output on the imported graph is used."""
    options = {} if epoch is None else {"epoch": epoch}
    graph = load(model, framework, input_shapes=input_shapes, **options)
    if given_input is not None:
        feeds = {graph.inputs[0].name: given_input}
    else:
        feeds = {spec.name: seeded_input(spec.shape) for spec in graph.inputs}
    if reference is not None:
        return Source(name, framework, graph, feeds, reference, "result_npy of the config")
    from frontc.interpreter import run
    output = run(graph, feeds)[graph.outputs[0]]
    return Source(name, framework, graph, feeds, output, "frontc interpreter on the imported graph")


def from_config(path: Path) -> Source:
    """A checklist-style YAML config: MODEL (framework + name/path, epoch, input_shape), EVALUATION."""
    import yaml
    try:
        config = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise OptionError("config file not found", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise OptionError(f"not valid YAML: {str(exc).splitlines()[0]}", path=str(path)) from None
    model = (config or {}).get("MODEL") or {}
    if not isinstance(model, dict) or "framework" not in model or not ("name" in model or "path" in model):
        raise OptionError("MODEL needs framework and name (a built-in model) or path (a model file)",
                          path=str(path))
    if "name" in model:
        source = from_case(f"{model['framework']}:{model['name']}")
        source.details["config"] = str(path)
        return source
    model_path = (path.parent / model["path"]) if not Path(model["path"]).is_absolute() else Path(model["path"])
    shape = model.get("input_shape")
    shapes = {"": tuple(shape)} if isinstance(shape, list) else shape
    evaluation = config.get("EVALUATION") or {}
    x = reference = None
    if evaluation.get("input_npy") and evaluation.get("result_npy"):
        from frontc.commands.common import read_npy
        x = read_npy(str(path.parent / evaluation["input_npy"]))
        reference = read_npy(str(path.parent / evaluation["result_npy"]))
    return from_model(model["framework"], str(model_path), shapes, model_path.stem, model.get("epoch"),
                      x, reference)
