"""The checklist's step-6 config (seed format): MODEL, QUAN, EVALUATION, PREPROCESS, SAVE_PATH.

Paths are relative to the config file. Node references are ``'NODE:OUTPUT'`` where NODE is an
index into the graph's inputs followed by its nodes (so ``0`` is the first input and ``-1`` the
last node, as in MXNet's symbol JSON where node 0 is ``data``) or a node/input name, and OUTPUT
the output index. Every error names the file and key on one line (OptionError).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.datasets.preprocess import Preprocess
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.quant.observers import OBSERVERS
from frontc.quant.strategies import GRANULARITIES, STRATEGIES

SECTIONS = ("MODEL", "QUAN", "EVALUATION", "PREPROCESS", "SAVE_PATH")
KEYS = {
    "MODEL": ("graph", "params"),
    "QUAN": ("strategy", "qconfig", "output"),
    "qconfig": ("weight_quan", "table", "image_path", "observer", "percentile", "weight_bits", "act_bits",
                "batch_size", "layers"),
    "EVALUATION": ("input_images", "label_file", "image_file", "input_node", "output_node", "batch_size",
                   "limit"),
}


@dataclass
class QuantConfig:
    """A parsed config; paths are absolute."""

    path: Path
    graph: Path
    params: Path | None = None
    strategy: str = "null"
    weight_quan: str = "perlayer"
    table: Path | None = None
    image_path: Path | None = None
    observer: str = "kl"
    percentile: float = 99.99
    weight_bits: int = 8
    act_bits: int = 8
    layers: dict[str, dict[str, Any] | None] | None = None  # per-node overrides (quantize_graph's layers)
    calib_batch_size: int = 32
    output: Path | None = None
    input_images: Path | None = None
    label_file: Path | None = None
    image_file: Path | None = None
    input_node: str = "0:0"
    output_node: str = "-1:0"
    batch_size: int = 16
    limit: int | None = None
    preprocess: Preprocess = field(default_factory=Preprocess)
    save_path: Path | None = None

    def fail(self, key: str, message: str, hint: str | None = None) -> OptionError:
        return OptionError(f"{key}: {message}", path=str(self.path), hint=hint)

    def need(self, attr: str, key: str) -> Any:
        """The value of ``attr``; an OptionError names the config ``key`` when it is unset."""
        value = getattr(self, attr)
        if value is None:
            raise self.fail(key, "is not set", hint="add it to the config")
        return value


def _section(doc: dict, name: str, path: Path, parent: str = "") -> dict:
    value = doc.get(name) or {}
    where = f"{parent}{name}"
    if not isinstance(value, dict):
        raise OptionError(f"{where} must be a mapping, got {value!r}", path=str(path))
    unknown = sorted(set(value) - set(KEYS.get(name, value)))
    if unknown:
        raise OptionError(f"{where}: unknown key(s) {unknown}", path=str(path), hint=f"known: {list(KEYS[name])}")
    return value


def _choice(value: Any, choices: tuple[str, ...], key: str, path: Path) -> str:
    text = "null" if value is None else str(value)
    if text not in choices:
        raise OptionError(f"{key}: unknown value {value!r}", path=str(path), hint=f"one of {list(choices)}")
    return text


def _int(value: Any, key: str, path: Path, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OptionError(f"{key}: {value!r} is not an integer in [{low}, {high}]", path=str(path))
    return value


def _layers(value: Any, path: Path) -> dict[str, dict[str, Any] | None] | None:
    """QUAN.qconfig.layers: {node name: {weight_quan, weight_bits, act_bits} or null (stays float)}."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, dict) or v is None for v in value.values()):
        raise OptionError("QUAN.qconfig.layers: must map node names to a mapping or null (the node stays float)",
                          path=str(path), hint="e.g. layers: {conv1: {weight_bits: 4}, fc: null}")
    return {str(k): v for k, v in value.items()}


def load_config(path: str | Path) -> QuantConfig:
    """Parse and check a config file (files it names are checked when used)."""
    import yaml

    path = Path(path).resolve()
    try:
        doc = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise OptionError("config file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise OptionError(f"cannot read the config: {' '.join(str(exc).split())}", path=str(path)) from None
    if not isinstance(doc, dict):
        raise OptionError("the config is not a YAML mapping", path=str(path))
    unknown = sorted(set(doc) - set(SECTIONS))
    if unknown:
        raise OptionError(f"unknown section(s) {unknown}", path=str(path), hint=f"known: {list(SECTIONS)}")
    base = path.parent

    def rel(value: Any, key: str) -> Path | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise OptionError(f"{key}: {value!r} is not a path", path=str(path))
        return (base / value).resolve()

    model, quan, evaluation = (_section(doc, s, path) for s in ("MODEL", "QUAN", "EVALUATION"))
    qconfig = _section(quan, "qconfig", path, "QUAN.")
    if "graph" not in model:
        raise OptionError("MODEL.graph: is not set", path=str(path), hint="name the IR *_graph.json")
    try:
        preprocess = Preprocess.from_config(doc.get("PREPROCESS"))
    except OptionError as exc:
        raise OptionError(exc.message, path=str(path), hint=exc.hint) from None
    percentile = qconfig.get("percentile", 99.99)
    if isinstance(percentile, bool) or not isinstance(percentile, (int, float)) or not 0 < percentile <= 100:
        raise OptionError(f"QUAN.qconfig.percentile: {percentile!r} is not in (0, 100]", path=str(path))
    limit = evaluation.get("limit")
    return QuantConfig(
        path=path, graph=rel(model["graph"], "MODEL.graph"), params=rel(model.get("params"), "MODEL.params"),
        strategy=_choice(quan.get("strategy", "null"), STRATEGIES, "QUAN.strategy", path),
        weight_quan=_choice(qconfig.get("weight_quan", "perlayer"), GRANULARITIES, "QUAN.qconfig.weight_quan",
                            path),
        table=rel(qconfig.get("table"), "QUAN.qconfig.table"),
        image_path=rel(qconfig.get("image_path"), "QUAN.qconfig.image_path"),
        observer=_choice(qconfig.get("observer", "kl"), OBSERVERS, "QUAN.qconfig.observer", path),
        percentile=float(percentile),
        weight_bits=_int(qconfig.get("weight_bits", 8), "QUAN.qconfig.weight_bits", path, 2, 16),
        act_bits=_int(qconfig.get("act_bits", 8), "QUAN.qconfig.act_bits", path, 8, 16),
        layers=_layers(qconfig.get("layers"), path),
        calib_batch_size=_int(qconfig.get("batch_size", 32), "QUAN.qconfig.batch_size", path, 1, 1 << 16),
        output=rel(quan.get("output"), "QUAN.output"),
        input_images=rel(evaluation.get("input_images"), "EVALUATION.input_images"),
        label_file=rel(evaluation.get("label_file"), "EVALUATION.label_file"),
        image_file=rel(evaluation.get("image_file"), "EVALUATION.image_file"),
        input_node=str(evaluation.get("input_node", "0:0")), output_node=str(evaluation.get("output_node", "-1:0")),
        batch_size=_int(evaluation.get("batch_size", 16), "EVALUATION.batch_size", path, 1, 1 << 16),
        limit=None if limit is None else _int(limit, "EVALUATION.limit", path, 1, 1 << 40),
        preprocess=preprocess, save_path=rel(doc.get("SAVE_PATH"), "SAVE_PATH"))


def resolve_node(graph: Graph, ref: str, key: str = "node") -> str:
    """The tensor that ``'NODE:OUTPUT'`` names in ``graph`` (see the module docstring)."""
    node, sep, output = str(ref).rpartition(":")
    if not sep:
        node, output = ref, "0"
    try:
        out_index = int(output)
    except ValueError:
        raise OptionError(f"{key} '{ref}': output index '{output}' is not an integer",
                          hint="write NODE:OUTPUT, e.g. '0:0'") from None
    entries = [[spec.name] for spec in graph.inputs] + [list(n.outputs) for n in graph.nodes]
    names = {spec.name: i for i, spec in enumerate(graph.inputs)}
    names.update({n.name: len(graph.inputs) + i for i, n in enumerate(graph.nodes)})
    if node.lstrip("-").isdigit():
        index = int(node)
        if not -len(entries) <= index < len(entries):
            raise OptionError(f"{key} '{ref}': there is no node {index}; graph '{graph.name}' has "
                              f"{len(graph.inputs)} input(s) and {len(graph.nodes)} nodes "
                              f"(indices 0-{len(entries) - 1})", hint="use a node index or name (frontc info)")
        index %= len(entries)
    elif node in names:
        index = names[node]
    else:
        raise OptionError(f"{key} '{ref}': graph '{graph.name}' has no node or input named '{node}'",
                          hint="use a node index or name (frontc info)")
    outputs = entries[index]
    if not 0 <= out_index < len(outputs):
        raise OptionError(f"{key} '{ref}': node {node} has {len(outputs)} output(s)")
    return outputs[out_index]


def evaluation_set(config: QuantConfig, spec: Any, *, labelled: bool) -> tuple[Any, list[int] | None]:
    """(inputs, labels or None) of EVALUATION: ``image_file`` under ``input_images`` (with
    ``label_file``), a folder or list of images, or an .npy/.npz (labels in an .npz's ``labels``)."""
    from frontc.datasets.images import ArrayInputs, ImageFiles, open_inputs
    from frontc.datasets.labels import read_image_list

    root = config.need("input_images", "EVALUATION.input_images")
    labels = None
    if config.image_file is not None:
        files, labels = read_image_list(config.image_file, root, config.label_file)
        inputs = ImageFiles(files, spec, config.preprocess)
    else:
        inputs = open_inputs(root, spec, config.preprocess)
        if labelled:
            if not isinstance(inputs, ArrayInputs):
                raise config.fail("EVALUATION.image_file", "is not set, so the images have no labels",
                                  hint="list 'relative/path.jpg LABEL' lines in an image_file")
            labels = inputs.labels()
    if config.limit is not None and config.limit < len(inputs):
        inputs = inputs.head(config.limit)
        labels = labels[: config.limit] if labels is not None else None
    return inputs, labels


def quantized_prefix(config: QuantConfig, strategy: str, weight_quan: str) -> Path:
    """Where the quantized IR goes: QUAN.output (a folder) or beside MODEL.graph."""
    folder = config.output if config.output is not None else config.graph.parent
    return folder / f"IR_quant_{strategy}_{weight_quan}"
