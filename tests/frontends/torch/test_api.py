"""The torch frontend behind frontc.load, without importing torch for everyone else."""
from __future__ import annotations

import subprocess
import sys

import torch

import frontc
from frontc.frontends.torch.registry import REG


def test_importing_frontc_does_not_import_torch() -> None:
    code = ("import sys, frontc, frontc.frontends.torch, frontc.catalog.torch_cases, frontc.models, "
            "frontc.data.imagenet_samples; frontc.frontends.framework_module('torch'); "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pytorch_alias_and_source_names() -> None:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU()).eval()
    graph = frontc.load(model, "pytorch", input_shapes={"x": (1, 3, 8, 8)})
    assert graph.meta["source_names"] == {"0": "0", "1": "1"}
    assert graph.meta["framework_version"] == torch.__version__
    assert graph.inputs[0].layout == "NCHW"


def test_registry_is_keyed_by_aten_overloads() -> None:
    ops = REG.ops()
    assert "aten.conv2d.default" in ops and "aten._native_batch_norm_legit_no_training.default" in ops
    assert all(op.startswith("aten.") for op in ops)
