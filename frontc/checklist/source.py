"""Step 1 of the checklist: resolve what the user named into an imported graph and a reference output.

MODEL_OR_CONFIG is a catalog model (``[framework:]name``, e.g. ``resnet50_v1b`` or
``torch:efficientnet_lite0``: the source framework computes the reference output), a model file
(framework from its suffix), or a YAML config in the checklist's style (see configs/).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from frontc.catalog.case import ModelEntry, seeded_input
from frontc.catalog.registry import find
from frontc.frontends import canonical, load
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

SUFFIXES = {".onnx": "onnx", ".json": "mxnet", ".pt": "torch", ".pth": "torch", ".keras": "tf", ".h5": "tf",
            ".pb": "tf"}


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
    model: Any = None  # what the frontend loaded: a model object, a zoo name or a file path
    options: dict[str, Any] = field(default_factory=dict)
    entry: ModelEntry | None = None  # the catalog entry, for catalog models


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
    entry = find(text)
    framework, name = entry.framework, entry.name
    case = entry()
    graph = load(case.source, framework, input_shapes=case.input_shapes, **case.options)
    return Source(name, framework, graph, case.feeds, case.reference[0], f"{framework} (the source framework)",
                  {"input_shape": list(graph.inputs[0].shape)}, case.source, dict(case.options), entry)


def from_model(framework: str, model: Any, input_shapes: dict | None, name: str, epoch: int | None = None,
               given: tuple[str, str] | None = None, layout: str | None = None) -> Source:
    """Import ``model``; with ``given`` (input .npy, result .npy: arrays in ``layout``, by default the
    source framework's) those are the check; without, the source framework computes the reference on a
    seeded input (the frontc interpreter only when it cannot run the file, and the Source says so)."""
    from frontc.commands.common import as_dtype, read_npy, to_ir, user_layout
    options = {} if epoch is None else {"epoch": epoch}
    graph = load(model, framework, input_shapes=input_shapes, **options)
    if given is not None:
        spec, order = graph.inputs[0], user_layout(graph, layout)
        feeds = {spec.name: to_ir(as_dtype(read_npy(given[0]), spec.dtype, given[0]), spec.shape, order, given[0])}
        reference = to_ir(read_npy(given[1]), graph.spec(graph.outputs[0]).shape, order, given[1])
        return Source(name, framework, graph, feeds, reference, "result_npy of the config", model=model,
                      options=options)
    feeds = {spec.name: seeded_input(spec.shape) for spec in graph.inputs}
    from frontc.runners import make_runner
    try:
        runner = make_runner("source", graph, source=model, framework=framework, **options)
        output = runner(feeds, False).get(graph.outputs[0])
        why = f"{framework} output not matched to IR output '{graph.outputs[0]}'"
    except ImportError as exc:
        output, why = None, f"{exc.name or framework} is not installed"
    if output is not None:
        return Source(name, framework, graph, feeds, output, f"{framework} (the source framework, on the model file)",
                      model=model, options=options)
    from frontc.interpreter import run
    output = run(graph, feeds)[graph.outputs[0]]
    return Source(name, framework, graph, feeds, output, f"frontc interpreter on the imported graph ({why})",
                  model=model, options=options)


SECTIONS = {"MODEL": ("framework", "name", "path", "input_shape", "epoch", "module", "domain", "task",
                      "preprocessing", "created_by"),
            "EVALUATION": ("input_npy", "result_npy", "layout", "dataset", "images", "limit"),
            "SPARSE": ("record", "created_by"), "PERF": ("hardware", "strategy"),
            "QUAN": ("strategies", "calibration", "observer", "weight_bits", "act_bits"),
            "FAST_PRUNE": ("record", "model", "runs", "dense", "limit", "epochs", "sparse_epochs", "frequency",
                           "torch_prune_rates", "submit", "created_by")}
OTHER_SECTIONS = ("PREPROCESS", "SAVE_PATH")  # the seed config's sections for other commands


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


def _exists(file: Path, section: str, values: dict, path: Path) -> None:
    """OptionError when ``file`` is missing, naming the command that creates it (``created_by``) when given."""
    if file.exists():
        return
    key = "path" if section == "MODEL" else "record"
    made = values.get("created_by")
    raise OptionError(f"{section}.{key}: {file} does not exist" + (f"; create it with: {made}" if made else ""),
                      path=str(path), hint=None if made else f"give {section}.created_by: the command that makes it")


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
    for section in ("SPARSE", "PERF", "QUAN", "FAST_PRUNE"):
        _mapping(config.get(section), section, SECTIONS[section], path)
    if "framework" not in model or ("name" in model) == ("path" in model):
        raise OptionError("MODEL needs framework and either name (a catalog model) or path (a model file)",
                          path=str(path))
    try:
        framework = canonical(str(model["framework"]))
    except OptionError as exc:
        raise OptionError(f"MODEL.framework: {exc}", path=str(path)) from None
    if "path" in model:
        _exists(path.parent / str(model["path"]), "MODEL", model, path)
    for section in ("SPARSE", "FAST_PRUNE"):  # files the training projects make
        values = config.get(section) or {}
        if "record" in values:
            _exists(path.parent / str(values["record"]), section, values, path)
    if "name" in model:
        source = from_case(f"{framework}:{model['name']}")
        source.details["config"] = str(path)
        return source
    epoch = model.get("epoch")
    if epoch is not None and (type(epoch) is not int or epoch < 0):
        raise OptionError(f"MODEL.epoch {epoch!r} is not an integer >= 0", path=str(path))
    model_path = path.parent / str(model["path"])
    if evaluation.get("layout") not in (None, "NCHW", "NHWC"):
        raise OptionError(f"EVALUATION.layout {evaluation['layout']!r} is not NCHW or NHWC", path=str(path))
    if ("input_npy" in evaluation) != ("result_npy" in evaluation):
        given, missing = ("input_npy", "result_npy") if "input_npy" in evaluation else ("result_npy", "input_npy")
        raise OptionError(f"EVALUATION has {given} but not {missing}", path=str(path),
                          hint="give both (the input and the source framework's result for it), or neither")
    given = (str(path.parent / str(evaluation["input_npy"])), str(path.parent / str(evaluation["result_npy"]))) \
        if "input_npy" in evaluation else None
    from frontc.commands.common import with_weights
    loaded = with_weights(str(model_path), model.get("module"), framework)
    return from_model(framework, loaded, _shape(model.get("input_shape"), path), model_path.stem, epoch, given,
                      evaluation.get("layout"))
