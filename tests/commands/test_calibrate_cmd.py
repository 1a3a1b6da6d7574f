"""`frontc calibrate` and the seed config: tables from images and arrays, one-line errors, nothing written."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from frontc.cli import main
from frontc.ir import save_graph
from frontc.passes import run_pipeline
from frontc.quant.table import load_table
from frontc.testing.graphs import tiny_resnet


@pytest.fixture
def workdir(tmp_path):
    fused = run_pipeline(tiny_resnet(), "cmodel")[0]
    save_graph(fused, tmp_path / "ir" / "IR_fused_for_CModel")
    rng = np.random.default_rng(0)
    (tmp_path / "calib").mkdir()
    for i in range(5):
        Image.fromarray(rng.integers(0, 256, (40, 36, 3), dtype=np.uint8)).save(tmp_path / "calib" / f"{i}.jpg")
    np.save(tmp_path / "x.npy", rng.uniform(-1, 1, (6, 3, 32, 32)).astype(np.float32))
    (tmp_path / "quant.yml").write_text("""
MODEL:
    graph: 'ir/IR_fused_for_CModel_graph.json'
    params: 'ir/IR_fused_for_CModel_params.npz'
QUAN:
    strategy: 'symmetry_max'
    qconfig:
        weight_quan: 'perchannel'
        table: 'calibrations/tiny.json'
        image_path: 'calib'
        observer: 'percentile'
PREPROCESS:
    resize: 32
    crop: 32
    mean: [123.68, 116.78, 103.94]
    std: 58.0
""")
    return tmp_path


def test_calibrate_from_the_seed_config(workdir, capsys):
    assert main(["calibrate", "--config-file", str(workdir / "quant.yml")]) == 0
    out = capsys.readouterr().out
    assert "on 5 inputs with percentile (onnxruntime, chunk 8)" in out and "peak RSS" in out
    table = load_table(workdir / "calibrations" / "tiny.json")
    assert table.observer == "percentile" and table.samples == 5 and table.options == {"percentile": 99.99}


def test_calibrate_from_arrays_and_force(workdir, capsys):
    graph = str(workdir / "ir" / "IR_fused_for_CModel_graph.json")
    args = ["calibrate", "--graph", graph, "--images", str(workdir / "x.npy"), "-o", str(workdir / "t.json"),
            "--observer", "minmax", "--batch-size", "4"]
    assert main(args) == 0
    first = (workdir / "t.json").read_bytes()
    assert main(args) == 2
    assert "t.json: file exists" in capsys.readouterr().err
    assert main([*args[:-1], "5", "--force"]) == 0
    assert (workdir / "t.json").read_bytes() == first
    assert json.loads(first)["samples"] == 6


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("'symmetry_max'", "'symmetric'"), "QUAN.strategy: unknown value 'symmetric'"),
    (lambda t: t.replace("'perchannel'", "'perrow'"), "QUAN.qconfig.weight_quan: unknown value 'perrow'"),
    (lambda t: t.replace("'percentile'", "'entropy'"), "QUAN.qconfig.observer: unknown value 'entropy'"),
    (lambda t: t.replace("'calib'", "'nowhere'"), "nowhere: image folder not found"),
    (lambda t: t.replace("std: 58.0", "std: 0"), "PREPROCESS.std: 0 must be positive"),
    (lambda t: t.replace("'ir/IR_fused_for_CModel_graph.json'", "'ir/none_graph.json'"), "none_graph.json"),
    (lambda t: t + "EXTRA: 1\n", "unknown section(s) ['EXTRA']"),
    (lambda t: t.replace("crop: 32", "crop: 30"), "preprocessed image is [30, 30]"),
])
def test_config_errors_are_one_line_and_write_nothing(workdir, capsys, edit, message):
    config = workdir / "quant.yml"
    config.write_text(edit(config.read_text()))
    assert main(["calibrate", "--config-file", str(config)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (workdir / "calibrations").exists()


def test_a_non_image_in_the_folder(workdir, capsys):
    (workdir / "calib" / "labels.txt").write_text("x")
    assert main(["calibrate", "--config-file", str(workdir / "quant.yml")]) == 2
    assert "'labels.txt' is not an image file" in capsys.readouterr().err
