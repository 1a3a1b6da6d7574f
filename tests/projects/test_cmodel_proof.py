"""The C model of trained Fashion-MNIST networks (train.py on 2000 images, one epoch) is bit-exact with
the numpy *_t path on every layer over the whole 10k-image test set (slow). The networks are barely
trained (ResNet about 24% top-1), so the accuracy check is only: above chance, integer within 2 points of float."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "projects" / "fashion_mnist"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("model", ["fashion_cnn", "fashion_resnet"])
def test_trained_model_is_bit_exact_over_the_test_set(tmp_path, model) -> None:
    assert _script("train").main(["-o", str(tmp_path), "--model", model, "--limit", "2000", "--epochs", "1"]) == 0
    stats = _script("cmodel_proof").prove(str(tmp_path / f"{model}.pt"), model, tmp_path)
    print(model, stats)
    assert stats["images"] == 10000 and stats["mismatched_tensors"] == 0
    assert stats["int_top1"] > 0.2 and abs(stats["int_top1"] - stats["float_top1"]) < 0.02
