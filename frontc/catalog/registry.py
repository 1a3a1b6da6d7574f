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
