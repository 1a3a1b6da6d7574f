"""Item 10(d), slow: a TF/Keras and an ONNX model through step 6 with the commands and configs the
README reports (configs/quant_tf_fashion_cnn.yml, configs/quant_onnx_fashion_resnet.yml): train, compile,
calibrate on real data, error analysis (final distance) and accuracy of every strategy x granularity
against float. Model-level runs of the PyTorch EfficientNet-Lite0 are in tests/quant/test_models.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RUNS = 12  # float, null, and 5 strategies x 2 granularities
# regression bounds, from the README's runs with margin: ONNX FashionResNet on the 10k test set: top-1 drops
# at most 0.0019, agreement >= 0.9905; final distances 0.012-0.031 on the first 1000 test images
FLOAT_ONNX, DROP_ONNX, AGREEMENT_ONNX, DISTANCE_ONNX = 0.88, 0.01, 0.98, 0.05
# the Keras CNN (89.34%) on the 10k test set: top-1 drops at most 0.0005, agreement >= 0.9916; final
# distances 0.011-0.025 on the first 1000 test images
FLOAT_TF, DROP_TF, AGREEMENT_TF, DISTANCE_TF = 0.87, 0.01, 0.98, 0.05


def _run(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=5400)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _config(tmp_path: Path, name: str, build: Path, evaluation: str | None = None) -> Path:
    """configs/<name>.yml with its ../build/<folder> paths moved to ``build`` and the rest made absolute."""
    source = ROOT / "configs" / f"{name}.yml"
    doc = yaml.safe_load(source.read_text())

    def moved(path: str) -> str:
        full = (source.parent / path).resolve()
        parts = full.relative_to(ROOT).parts
        return str(build.joinpath(*parts[1:])) if parts[0] == "build" else str(full)

    doc["MODEL"] = {k: moved(v) for k, v in doc["MODEL"].items()}
    for key in ("table", "image_path"):
        doc["QUAN"]["qconfig"][key] = moved(doc["QUAN"]["qconfig"][key])
    for key in ("input_images", "label_file", "image_file"):
        if key in doc["EVALUATION"]:
            doc["EVALUATION"][key] = moved(doc["EVALUATION"][key])
    if evaluation:
        doc["EVALUATION"]["input_images"] = evaluation
    doc["SAVE_PATH"] = moved(doc["SAVE_PATH"])
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(doc))
    return path


def _step6(config: Path, tmp_path: Path, error_runs: list[tuple[str, str]]) -> tuple[dict, dict]:
    """calibrate, the final distance of ``error_runs``, and the accuracy of every run."""
    _run("-m", "frontc.cli", "calibrate", "--config-file", str(config))
    distances = {}
    for strategy, granularity in error_runs:
        out = tmp_path / f"{strategy}_{granularity}.json"
        _run("examples/test_quantize_error.py", "--config-file", str(config), "--strategy", strategy,
             "--weight-quan", granularity, "--no-isolated", "--no-pb", "--json", str(out))
        distances[strategy, granularity] = json.loads(out.read_text())["final_distance"]
    _run("examples/test_imagenet_quantize_acc.py", "--config-file", str(config), "--json", str(tmp_path / "acc.json"))
    runs = json.loads((tmp_path / "acc.json").read_text())["runs"]
    assert len(runs) == RUNS, runs
    return distances, {(r["strategy"], r["weight_quan"]): r for r in runs}


def test_keras_fashion_cnn_step6(tmp_path) -> None:
    """The Keras CNN trained 2 epochs in Keras and read from its .keras file; 1000 training images to
    calibrate, the first 2000 test images to evaluate (the README's numbers use all 10k)."""
    build = tmp_path / "build"
    fashion = build / "fashion"
    _run("projects/fashion_mnist/train_keras.py", "-o", str(fashion))
    _run("-m", "frontc.cli", "compile", "tf", str(fashion / "fashion_keras_cnn.keras"), "-o",
         str(build / "fashion_keras" / "moffett_ir"))
    config = _config(tmp_path, "quant_tf_fashion_cnn", build, _fashion_sets(fashion))
    distances, runs = _step6(config, tmp_path, [("symmetry_max", "perchannel"), ("symmetry_max_t", "perlayer")])
    print(distances, {k: (r["top1"], r["agreement"]) for k, r in runs.items()})
    float_top1 = runs["float", None]["top1"]
    assert float_top1 > FLOAT_TF
    assert all(r["top1"] >= float_top1 - DROP_TF for r in runs.values())
    assert min(r["agreement"] for r in runs.values()) >= AGREEMENT_TF
    assert max(distances.values()) < DISTANCE_TF


def _fashion_sets(fashion: Path) -> str:
    """The calibration set and the first 2000 test images (quant_sets.py), as the config's evaluation set."""
    _run("projects/fashion_mnist/quant_sets.py", "-o", str(fashion))
    with np.load(fashion / "test.npz") as z:
        np.savez(fashion / "test2k.npz", x=z["x"][:2000], labels=z["labels"][:2000])
    return str(fashion / "test2k.npz")


def test_onnx_fashion_resnet_step6(tmp_path) -> None:
    """The Fashion-MNIST ResNet trained 2 epochs and exported to ONNX; 1000 training images to calibrate,
    the first 2000 test images to evaluate (the README's numbers use all 10k)."""
    build = tmp_path / "build"
    fashion = build / "fashion"
    _run("projects/fashion_mnist/train.py", "-o", str(fashion), "--model", "fashion_resnet")
    _run("-m", "frontc.cli", "compile", "onnx", str(fashion / "fashion_resnet.onnx"), "-o",
         str(build / "fashion_resnet_onnx" / "moffett_ir"))
    config = _config(tmp_path, "quant_onnx_fashion_resnet", build, _fashion_sets(fashion))
    distances, runs = _step6(config, tmp_path, [("symmetry_max", "perchannel"), ("scale_shift_t", "perlayer")])
    print(distances, {k: (r["top1"], r["agreement"]) for k, r in runs.items()})
    float_top1 = runs["float", None]["top1"]
    assert float_top1 > FLOAT_ONNX
    assert all(r["top1"] >= float_top1 - DROP_ONNX for r in runs.values())
    assert min(r["agreement"] for r in runs.values()) >= AGREEMENT_ONNX
    assert max(distances.values()) < DISTANCE_ONNX
