"""Every model case of every frontend, for the tests, the compatibility table and the benches."""
from __future__ import annotations

import importlib

from frontc.testing.case import CaseFactory

MODULES = {"mxnet": "mxnet_cases", "torch": "torch_cases", "tf": "keras_cases", "onnx": "onnx_cases"}


def all_cases(frameworks: list[str] | None = None) -> list[tuple[str, str, CaseFactory]]:
    """(framework, case name, factory) for each case of the given frameworks (default: all)."""
    out = []
    for framework in frameworks or list(MODULES):
        module = importlib.import_module(f"frontc.testing.{MODULES[framework]}")
        out += [(framework, name, factory) for name, factory in module.cases().items()]
    return out


# the sequence, transformer and recommendation cases (issue 12): their IRs hold LSTM/GRU, LayerNorm,
# Gelu, Attention... which the IR -> ONNX and IR -> MXNet exporters do not emit yet
SEQUENCE_CASES = {("torch", "bert_tiny"), ("torch", "vit_tiny"), ("torch", "crnn"), ("torch", "dlrm"),
                  ("onnx", "bert_tiny_export"), ("tf", "gru_text_classifier"), ("tf", "vit_tiny"),
                  ("mxnet", "gluon_lstm")}
