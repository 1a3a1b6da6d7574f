"""The catalog of models: every entry of every framework, found by ``[framework:]name``.

Used by the CLI (checklist), configs/, scripts/compat_table.py, the tests and the zoo.
"""
from __future__ import annotations

import dataclasses
import importlib

from frontc.catalog.case import ModelEntry
from frontc.frontends import ALIASES, FRAMEWORKS
from frontc.ir.errors import OptionError

# one module of entries per framework of frontc.frontends.FRAMEWORKS
MODULES = {"mxnet": "mxnet_cases", "torch": "torch_cases", "tf": "keras_cases", "onnx": "onnx_cases"}
NAME_ALIASES = {"resnet50v1b": "resnet50_v1b"}  # the seed's spelling


def entries(frameworks: list[str] | None = None) -> list[ModelEntry]:
    """Every entry of the given frameworks (default: all), with name and framework filled in."""
    out = []
    for framework in frameworks or list(FRAMEWORKS):
        module = importlib.import_module(f"frontc.catalog.{MODULES[framework]}")
        out += [dataclasses.replace(entry, name=name, framework=framework) for name, entry in module.cases().items()]
    return out


def all_cases(frameworks: list[str] | None = None) -> list[tuple[str, str, ModelEntry]]:
    """(framework, name, entry) for each entry of the given frameworks (default: all)."""
    return [(entry.framework, entry.name, entry) for entry in entries(frameworks)]


def find(text: str) -> ModelEntry:
    """The entry named ``[framework:]name`` (the first framework that has it when none is given)."""
    framework, _, name = text.rpartition(":")
    framework = ALIASES.get(framework.lower(), framework.lower())
    if framework and framework not in FRAMEWORKS:
        raise OptionError(f"unknown framework '{framework}' in '{text}'", hint=f"one of {list(FRAMEWORKS)}")
    name = NAME_ALIASES.get(name, name)
    known = entries([framework] if framework else None)
    for entry in known:
        if entry.name == name:
            return entry
    raise OptionError(f"'{text}' is not a file, a YAML config or a catalog model",
                      hint=f"catalog: {sorted({e.name for e in entries()})}")


# the sequence, transformer and recommendation cases (issue 12): their IRs hold LSTM/GRU, LayerNorm,
# Gelu, Attention... which the C model does not take (the IR -> ONNX and IR -> MXNet exporters take
# every one of these models)
SEQUENCE_CASES = {("torch", "bert_tiny"), ("torch", "vit_tiny"), ("torch", "crnn"), ("torch", "dlrm"),
                  ("onnx", "bert_tiny_export"), ("tf", "gru_text_classifier"), ("tf", "vit_tiny"),
                  ("mxnet", "gluon_lstm")}
# the detectors with their heads: the IR -> ONNX exporter and the C model do not take BoxNMS (nor the
# integer quantizer the head ops) yet; the IR -> MXNet exporter writes it as _contrib_box_nms
DETECTION_CASES = {("mxnet", "tiny_detector"), ("mxnet", "centernet_resnet18_v1b_voc"),
                   ("mxnet", "yolo3_mobilenet1.0_voc"), ("mxnet", "ssd_512_resnet18_v1_voc")}
