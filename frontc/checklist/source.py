"""Step 1 of the checklist: resolve what the user named into an imported graph and a reference output.

MODEL_OR_CONFIG is a built-in model case (``[framework:]name``, e.g. ``resnet50_v1b`` or
``torch:efficientnet_lite0``: the source framework computes the reference output), a model file
(framework from its suffix), or a YAML config in the checklist's style (see configs/).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from frontc.frontends import ALIASES as FRAMEWORK_ALIASES
from frontc.frontends import FRAMEWORKS, load
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
    """Import ``model``; without a given reference, the source framework computes it (the frontc
    interpreter only when that framework cannot run the file, and the Source says so)."""
    options = {} if epoch is None else {"epoch": epoch}
    graph = load(model, framework, input_shapes=input_shapes, **options)
    if given_input is not None:
        feeds = {graph.inputs[0].name: given_input}
    else:
        feeds = {spec.name: seeded_input(spec.shape) for spec in graph.inputs}
    if reference is not None:
        return Source(name, framework, graph, feeds, reference, "result_npy of the config")
    from frontc.runners import make_runner
    try:
        output = make_runner("source", graph, source=model, framework=framework)(feeds, False).get(graph.outputs[0])
        why = f"{framework} output not matched to IR output '{graph.outputs[0]}'"
    except ImportError as exc:
        output, why = None, f"{exc.name or framework} is not installed"
    if output is not None:
        return Source(name, framework, graph, feeds, output, f"{framework} (the source framework, on the model file)")
    from frontc.interpreter import run
    output = run(graph, feeds)[graph.outputs[0]]
    return Source(name, framework, graph, feeds, output, f"frontc interpreter on the imported graph ({why})")


SECTIONS = {"MODEL": ("framework", "name", "path", "input_shape", "epoch"),
            "EVALUATION": ("input_npy", "result_npy")}
OTHER_SECTIONS = ("PREPROCESS", "QUAN", "SAVE_PATH")  # the seed config's sections for other commands


def _mapping(value: Any, where: str, valid: tuple[str, ...], path: Path) -> dict:
    """``value`` as a mapping whose keys are all in ``valid``; OptionError naming the closest valid key."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OptionError(f"{where} must be a mapping of keys, got {type(value).__name__} {value!r:.40}",
                          path=str(path))
    for key in value:
        if key not in valid:
            close = difflib.get_close_matches(str(key).lower(), [v.lower() for v in valid], n=1, cutoff=0.6)
            hint = f"did you mean '{valid[[v.lower() for v in valid].index(close[0])]}'?" if close \
                else f"known: {', '.join(valid)}"
            raise OptionError(f"unknown key '{key}'{' in ' + where if where else ''}", path=str(path), hint=hint)
    return value


def _shape(value: Any, path: Path) -> dict[str, tuple[int, ...]] | None:
    if value is None:
        return None
    if isinstance(value, list) and value and all(type(d) is int and d > 0 for d in value):
        return {"": tuple(value)}
    raise OptionError(f"MODEL.input_shape {value!r} is not a list of positive integers", path=str(path),
                      hint="write input_shape: [1, 3, 224, 224]")


def from_config(path: Path) -> Source:
    """A checklist-style YAML config: MODEL (framework + name/path, epoch, input_shape), EVALUATION."""
    import yaml
    try:
        config = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise OptionError("config file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionError(f"cannot read the config: {exc}", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise OptionError(f"not valid YAML: {' '.join(str(exc).split())[:160]}", path=str(path)) from None
    config = _mapping(config, "", tuple(SECTIONS) + OTHER_SECTIONS, path)
    model = _mapping(config.get("MODEL"), "MODEL", SECTIONS["MODEL"], path)
    evaluation = _mapping(config.get("EVALUATION"), "EVALUATION", SECTIONS["EVALUATION"], path)
    if "framework" not in model or ("name" in model) == ("path" in model):
        raise OptionError("MODEL needs framework and either name (a built-in model) or path (a model file)",
                          path=str(path))
    if str(model["framework"]).lower() not in {*FRAMEWORKS, *FRAMEWORK_ALIASES}:
        raise OptionError(f"MODEL.framework '{model['framework']}' is not one of {sorted(FRAMEWORKS)}", path=str(path))
    if "name" in model:
        source = from_case(f"{model['framework']}:{model['name']}")
        source.details["config"] = str(path)
        return source
    epoch = model.get("epoch")
    if epoch is not None and (type(epoch) is not int or epoch < 0):
        raise OptionError(f"MODEL.epoch {epoch!r} is not an integer >= 0", path=str(path))
    model_path = path.parent / str(model["path"])
    if not model_path.exists():
        raise OptionError(f"MODEL.path: {model_path} does not exist", path=str(path))
    x = reference = None
    if ("input_npy" in evaluation) != ("result_npy" in evaluation):
        given, missing = ("input_npy", "result_npy") if "input_npy" in evaluation else ("result_npy", "input_npy")
        raise OptionError(f"EVALUATION has {given} but not {missing}", path=str(path),
                          hint="give both (the input and the source framework's result for it), or neither")
    if evaluation:
        from frontc.commands.common import read_npy
        x = read_npy(str(path.parent / str(evaluation["input_npy"])))
        reference = read_npy(str(path.parent / str(evaluation["result_npy"])))
    return from_model(str(model["framework"]), str(model_path), _shape(model.get("input_shape"), path),
                      model_path.stem, epoch, x, reference)
