"""The bench suite file: models, their data, and the accuracies expected of them (recorded from real
runs with ``frontc bench --record``), per quantization strategy; one tolerance in accuracy points.

    TOLERANCE: 0.0
    MODELS:
      efficientnet_lite0:
        model: matrix_efficientnet_lite0.yml      # catalog name, YAML, or {framework, path, input_shape}
        data: {images: foolbox:imagenet}          # or {images: DIR} (class in the file name: *_<class>.jpg)
                                                  # or {fashion_mnist: test, limit: 1000}
        expected:
          float: {top1: 85.0, top5: 95.0}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.ir.errors import OptionError


@dataclass
class BenchModel:
    """One model of the suite."""

    name: str
    model: str | dict[str, Any]
    data: dict[str, Any]
    expected: dict[str, dict[str, float]] = field(default_factory=dict)
    written: Any = None  # the model reference as the suite file writes it

    def check(self) -> None:
        """OptionError when the model refers to ``{artifacts}`` and no --artifacts folder was given."""
        path = self.model.get("path", "") if isinstance(self.model, dict) else self.model
        if "{artifacts}" in str(path):
            raise OptionError(f"model '{self.name}' ({path}) needs --artifacts (the folder the training "
                              "scripts wrote)", hint="e.g. --artifacts fashion_out")


@dataclass
class Suite:
    path: Path
    tolerance: float
    models: list[BenchModel]

    def to_yaml(self) -> str:
        import yaml

        body = {"TOLERANCE": self.tolerance,
                "MODELS": {m.name: {"model": m.written, "data": m.data, "expected": m.expected} for m in self.models}}
        return ("# frontc bench suite: accuracies (%) expected of each model, recorded from real runs "
                "(frontc bench --record)\n" + yaml.safe_dump(body, sort_keys=False))


def _resolve(path: Path, model: Any, artifacts: str | None) -> str | dict[str, Any]:
    """A model reference (a catalog name, a YAML path, or a mapping {framework, path, input_shape}) with
    ``{artifacts}`` filled in and relative paths made absolute."""
    if isinstance(model, dict):
        if not {"framework", "path"} <= set(model):
            raise OptionError(f"a model mapping needs framework and path, got {sorted(model)}", path=str(path))
        return {**model, "path": _resolve(path, str(model["path"]), artifacts)}
    text = str(model)
    if "{artifacts}" in text:
        if artifacts is None:
            return text  # refused only if this model is run (``BenchModel.check``)
        text = text.replace("{artifacts}", artifacts)
    if (Path(text).suffix in (".yml", ".yaml") or "/" in text) and not Path(text).is_absolute():
        text = str(path.parent / text)
    return text


def load_suite(path: str | Path, artifacts: str | None = None) -> Suite:
    """Read and check a suite file; OptionError naming the key for anything malformed."""
    import yaml

    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise OptionError("bench suite not found", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise OptionError(f"not valid YAML: {str(exc).splitlines()[0]}", path=str(path)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("MODELS"), dict) or not doc["MODELS"]:
        raise OptionError("the suite needs a MODELS mapping of model name -> {model, data, expected}",
                          path=str(path))
    tolerance = doc.get("TOLERANCE", 0.0)
    if not isinstance(tolerance, (int, float)) or tolerance < 0:
        raise OptionError(f"TOLERANCE {tolerance!r} is not a non-negative number of accuracy points", path=str(path))
    models = []
    for name, entry in doc["MODELS"].items():
        if not isinstance(entry, dict) or "model" not in entry or not isinstance(entry.get("data"), dict):
            raise OptionError(f"MODELS.{name} needs model and data", path=str(path))
        expected = entry.get("expected") or {}
        for strategy, values in expected.items():
            if not isinstance(values, dict) or set(values) != {"top1", "top5"}:
                raise OptionError(f"MODELS.{name}.expected.{strategy} needs top1 and top5 (percent)", path=str(path))
        models.append(BenchModel(str(name), _resolve(path, entry["model"], artifacts), dict(entry["data"]),
                                 {str(k): {kk: float(vv) for kk, vv in v.items()} for k, v in expected.items()},
                                 entry["model"]))
    return Suite(path, float(tolerance), models)
