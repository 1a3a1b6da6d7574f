"""What `frontc matrix` and `frontc bench` evaluate: a source model, how to import it and how its
images are preprocessed. A MODEL is a catalog name (``[framework:]name``) or a YAML file with a
``MODEL`` section (framework + name | path, input_shape) and a ``PREPROCESS`` section."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.datasets.preprocess import Preprocess
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

LABEL_IN_NAME = re.compile(r"_(\d+)$")  # foolbox's imagenet_00_243.jpg is class 243


@dataclass
class ModelSpec:
    """A source model to import, with its preprocessing."""

    name: str
    framework: str
    source: Any
    input_shapes: dict[str, tuple[int, ...]] | None
    preprocess: Preprocess | None
    options: dict[str, Any] = field(default_factory=dict)

    def load(self) -> Graph:
        """The imported IR graph (before any pipeline)."""
        from frontc.frontends import load

        return load(self.source, self.framework, input_shapes=self.input_shapes, **self.options)


def default_preprocess(graph: Graph) -> Preprocess:
    """Catalog models without a stated PREPROCESS: shorter side to 8/7 of the input, center crop,
    pixels scaled to [-1, 1] (mean 127.5, std 127.5), RGB."""
    height, width = graph.inputs[0].shape[2:4]
    return Preprocess(resize=round(min(height, width) * 8 / 7), crop=(height, width), mean=(127.5,), std=(127.5,))


def from_catalog(text: str) -> ModelSpec:
    """The catalog case ``[framework:]name`` as a spec (its own source model and input shape)."""
    from frontc.catalog.registry import find

    entry = find(text)
    case = entry()
    return ModelSpec(f"{entry.framework}:{entry.name}", entry.framework, case.source, case.input_shapes, None,
                     dict(case.options))


def from_yaml(path: Path) -> ModelSpec:
    """A checklist-style YAML: MODEL (framework + name or path, input_shape, epoch) and PREPROCESS."""
    import yaml

    try:
        config = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise OptionError("config file not found", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise OptionError(f"not valid YAML: {str(exc).splitlines()[0]}", path=str(path)) from None
    model = config.get("MODEL") if isinstance(config, dict) else None
    if not isinstance(model, dict) or "framework" not in model or not ("name" in model or "path" in model):
        raise OptionError("MODEL needs framework and name (a catalog model) or path (a model file)",
                          path=str(path))
    preprocess = Preprocess.from_config(config.get("PREPROCESS")) if config.get("PREPROCESS") else None
    if "name" in model:
        spec = from_catalog(f"{model['framework']}:{model['name']}")
    else:
        file = Path(model["path"]) if Path(model["path"]).is_absolute() else path.parent / model["path"]
        shape = model.get("input_shape")
        spec = ModelSpec(file.stem, model["framework"], str(file),
                         {"": tuple(shape)} if isinstance(shape, list) else shape, None,
                         {"epoch": model["epoch"]} if "epoch" in model else {})
    spec.name = str(model.get("label", path.stem))
    spec.preprocess = preprocess
    return spec


def resolve_spec(text: str) -> ModelSpec:
    """A ModelSpec for a YAML file or a catalog name."""
    path = Path(text)
    return from_yaml(path) if path.suffix in (".yml", ".yaml") else from_catalog(text)


def label_of(path: Path) -> int | None:
    """The class index in a file name ending ``_<index>`` (foolbox's samples), else None."""
    match = LABEL_IN_NAME.search(path.stem)
    return int(match.group(1)) if match else None
