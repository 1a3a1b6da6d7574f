"""frontc bench on a small ONNX classifier and labelled photos: --record writes expected accuracies
from a real run, the next run passes against them, a planted drift (an expected value moved, or one
runtime perturbed) exits 1 naming it, quantization strategies run in every runtime, and bad input
exits 2 with one line."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import onnx
import pytest
import yaml

import frontc.runtimes
from frontc.cli import main
from tests.commands.test_matrix import PHOTOS, classifier

RUNTIMES = "interpreter,torch,onnxruntime"


@pytest.fixture(autouse=True)
def keep_thread_settings(monkeypatch):
    import torch

    for name in frontc.runtimes.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    import skimage

    work = tmp_path_factory.mktemp("bench")
    images = work / "images"
    images.mkdir()
    onnx.save(classifier(), str(work / "tiny.onnx"))
    for i, name in enumerate(PHOTOS):  # onnxruntime's own class for the first four photos, a wrong one after
        label = (oracle(work / "tiny.onnx", Path(skimage.data_dir) / name) + (i >= 4)) % 10
        shutil.copy(Path(skimage.data_dir) / name, images / f"{Path(name).stem}_{label}{Path(name).suffix}")
    (work / "tiny.yml").write_text("MODEL:\n  framework: onnx\n  path: tiny.onnx\n"
                                   "PREPROCESS:\n  resize: 36\n  crop: 32\n  mean: 127.5\n  std: 127.5\n")
    (work / "suite.yml").write_text(yaml.safe_dump({"TOLERANCE": 0.0, "MODELS": {
        "tiny": {"model": "tiny.yml", "data": {"images": str(images)}}}}))
    code = main(["bench", "--suite", str(work / "suite.yml"), "--runtimes", RUNTIMES, "--strategies",
                 "float,symmetry_max", "--record", str(work / "recorded.yml"), "-o", str(work / "record_out")])
    assert code == 0
    return work


def oracle(model: Path, photo: Path) -> int:
    """The class onnxruntime gives ``photo`` (resized, cropped and scaled as tiny.yml says) on the original file."""
    import numpy as np
    import onnxruntime as ort
    from PIL import Image

    with Image.open(photo) as image:
        image = image.convert("RGB")
        w, h = image.size
        image = image.resize((max(1, round(w * 36 / min(w, h))), max(1, round(h * 36 / min(w, h)))), Image.BILINEAR)
        w, h = image.size
        image = image.crop(((w - 32) // 2, (h - 32) // 2, (w - 32) // 2 + 32, (h - 32) // 2 + 32))
    x = ((np.asarray(image, np.float32) - 127.5) / 127.5).transpose(2, 0, 1)[None]
    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    return int(session.run(None, {"images": x})[0].argmax())


def rows(path: Path) -> list[dict[str, str]]:
    with open(path) as f:
        return list(csv.DictReader(f))


def test_record_writes_expected_accuracies_from_the_run(suite):
    recorded = yaml.safe_load((suite / "recorded.yml").read_text())
    expected = recorded["MODELS"]["tiny"]["expected"]
    assert set(expected) == {"float", "symmetry_max"}
    results = rows(suite / "record_out" / "results.csv")
    assert [(r["runtime"], r["strategy"]) for r in results] == [
        (rt, s) for s in ("float", "symmetry_max") for rt in RUNTIMES.split(",")]
    assert expected["float"]["top1"] == 66.67  # four of six, as onnxruntime labelled them
    for r in results:
        assert r["status"] == "ok" and float(r["top1"]) == expected[r["strategy"]]["top1"]
        assert float(r["latency_p50_ms"]) > 0 and float(r["throughput_ips"]) > 0 and r["images"] == str(len(PHOTOS))


def test_a_run_against_recorded_values_passes(suite, capsys):
    assert main(["bench", "--suite", str(suite / "recorded.yml"), "--runtimes", RUNTIMES, "--strategies",
                 "float,symmetry_max", "-o", str(suite / "again")]) == 0
    assert "0 drifted, 0 failed" in capsys.readouterr().out


def test_a_planted_drift_in_the_expected_values_fails(suite, tmp_path, capsys):
    doc = yaml.safe_load((suite / "recorded.yml").read_text())
    doc["MODELS"]["tiny"]["expected"]["float"]["top1"] += 16.67  # one image of six
    doc["MODELS"]["tiny"]["model"] = str(suite / "tiny.yml")
    (tmp_path / "drifted.yml").write_text(yaml.safe_dump(doc))
    assert main(["bench", "--suite", str(tmp_path / "drifted.yml"), "--runtimes", "interpreter",
                 "-o", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert "DRIFT tiny interpreter float" in out
    assert float(rows(tmp_path / "out" / "results.csv")[0]["drift"]) == pytest.approx(16.67, abs=0.01)


def test_a_runtime_that_drifts_fails_alone(suite, tmp_path, monkeypatch, capsys):
    honest = frontc.runtimes._BUILDERS["onnxruntime"]

    def shuffled(graph):
        runner = honest(graph)
        return lambda feeds: {k: v[:, ::-1].copy() for k, v in runner(feeds).items()}  # classes reversed

    monkeypatch.setitem(frontc.runtimes._BUILDERS, "onnxruntime", shuffled)
    assert main(["bench", "--suite", str(suite / "recorded.yml"), "--runtimes", "interpreter,onnxruntime",
                 "-o", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert "DRIFT tiny onnxruntime float" in out and "DRIFT tiny interpreter" not in out


@pytest.mark.parametrize("args, message", [
    (["--runtimes", "cuda"], "unknown runtime 'cuda'"),
    (["--strategies", "float,int2"], "unknown strategy 'int2'"),
    (["--models", "nope"], "model 'nope' is not in the suite"),
])
def test_bad_options_exit_2_in_one_line(suite, tmp_path, capsys, args, message):
    assert main(["bench", "--suite", str(suite / "recorded.yml"), *args, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_model_needing_artifacts_is_refused_only_when_run(suite, tmp_path, capsys):
    doc = yaml.safe_load((suite / "recorded.yml").read_text())
    doc["MODELS"]["tiny"]["model"] = str(suite / "tiny.yml")
    doc["MODELS"]["trained"] = {"model": {"framework": "onnx", "path": "{artifacts}/m.onnx"},
                                "data": {"fashion_mnist": "test"}, "expected": {"float": {"top1": 1, "top5": 1}}}
    (tmp_path / "s.yml").write_text(yaml.safe_dump(doc))
    assert main(["bench", "--suite", str(tmp_path / "s.yml"), "--models", "trained", "-o", str(tmp_path / "o")]) == 2
    assert "model 'trained' ({artifacts}/m.onnx) needs --artifacts" in capsys.readouterr().err
    assert main(["bench", "--suite", str(tmp_path / "s.yml"), "--models", "tiny", "--runtimes", "interpreter",
                 "-o", str(tmp_path / "o")]) == 0


def test_missing_expected_entry_and_non_images_exit_2(suite, tmp_path, capsys):
    assert main(["bench", "--suite", str(suite / "suite.yml"), "-o", str(tmp_path / "out")]) == 2
    assert "no expected accuracy for model 'tiny', strategy 'float'" in capsys.readouterr().err
    doc = yaml.safe_load((suite / "recorded.yml").read_text())
    images = tmp_path / "images"
    shutil.copytree(suite / "images", images)
    (images / "readme.txt").write_text("not an image")
    doc["MODELS"]["tiny"]["data"]["images"] = str(images)
    doc["MODELS"]["tiny"]["model"] = str(suite / "tiny.yml")
    (tmp_path / "s.yml").write_text(yaml.safe_dump(doc))
    assert main(["bench", "--suite", str(tmp_path / "s.yml"), "--runtimes", "interpreter",
                 "-o", str(tmp_path / "out2")]) == 2
    err = capsys.readouterr().err
    assert "'readme.txt' is not an image file" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out2").exists()


def test_integer_strategies_run_in_the_interpreter_and_the_c_model_only(suite, tmp_path, capsys):
    args = ["bench", "--suite", str(suite / "suite.yml"), "--strategies", "symmetry_max_t,symmetry_max",
            "--runtimes", "interpreter,cmodel,torch", "--record", str(tmp_path / "r.yml"), "-o", str(tmp_path / "o")]
    assert main(args) == 0
    results = rows(tmp_path / "o" / "results.csv")
    assert [(r["runtime"], r["strategy"]) for r in results] == [
        ("interpreter", "symmetry_max_t"), ("cmodel", "symmetry_max_t"),
        ("interpreter", "symmetry_max"), ("torch", "symmetry_max")]
    assert results[0]["top1"] == results[1]["top1"] and results[2]["top1"] == results[3]["top1"]
    capsys.readouterr()
    assert main(["bench", "--suite", str(tmp_path / "r.yml"), "--strategies", "symmetry_max_t", "--runtimes",
                 "torch,onnxruntime", "-o", str(tmp_path / "o2")]) == 2
    assert "no runtime of ['torch', 'onnxruntime'] runs strategy 'symmetry_max_t'" in capsys.readouterr().err
