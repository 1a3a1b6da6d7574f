"""frontc matrix on a small ONNX classifier and real photos (scikit-image's): every pair agrees,
the reports are complete, a target that cannot take the model is reported without stopping the
others, a planted disagreement exits 1, and bad inputs are one-line errors with exit 2."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

import frontc.runtimes
from frontc.cli import main

PHOTOS = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "hubble_deep_field.jpg", "motorcycle_left.png")
TARGETS = "source,interpreter,torch,onnxruntime,mxnet"


def classifier(resize: bool = False) -> onnx.ModelProto:
    """Conv-ReLU-GlobalAvgPool-Gemm over 3x32x32 images, seeded; ``resize`` adds a 1.5x upsampling MXNet lacks."""
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.standard_normal((6, 3, 3, 3)).astype(np.float32), "w"),
             numpy_helper.from_array(rng.standard_normal((10, 6)).astype(np.float32), "fc"),
             numpy_helper.from_array(np.array([1, 1, 1.5, 1.5], np.float32), "scales")]
    nodes = [helper.make_node("Conv", ["images", "w"], ["conv"], pads=[1, 1, 1, 1], name="conv"),
             helper.make_node("Relu", ["conv"], ["relu"], name="relu")]
    last = "relu"
    if resize:
        nodes.append(helper.make_node("Resize", ["relu", "", "scales"], ["up"], mode="nearest", name="up"))
        last = "up"
    nodes += [helper.make_node("GlobalAveragePool", [last], ["pool"], name="pool"),
              helper.make_node("Flatten", ["pool"], ["flat"], name="flat"),
              helper.make_node("Gemm", ["flat", "fc"], ["logits"], transB=1, name="fc")]
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("images", 1, [1, 3, 32, 32])],
                              [helper.make_tensor_value_info("logits", 1, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


@pytest.fixture(autouse=True)
def keep_thread_settings(monkeypatch):
    """frontc matrix limits every runtime to --threads (1); give the next tests their settings back."""
    import torch

    for name in frontc.runtimes.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)  # restored after the test
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    import skimage

    work = tmp_path_factory.mktemp("matrix")
    images = work / "images"
    images.mkdir()
    for name in PHOTOS:
        shutil.copy(Path(skimage.data_dir) / name, images / name)
    for resize in (False, True):
        onnx.save(classifier(resize), str(work / f"tiny{'_resize' if resize else ''}.onnx"))
        (work / f"tiny{'_resize' if resize else ''}.yml").write_text(
            f"MODEL:\n  framework: onnx\n  path: tiny{'_resize' if resize else ''}.onnx\n"
            "PREPROCESS:\n  resize: 36\n  crop: 32\n  mean: [123.7, 116.3, 103.5]\n  std: [58.4, 57.1, 57.4]\n")
    return work


def run(work: Path, *args: str) -> int:
    return main(["matrix", *args, "--images", str(work / "images"), "--targets", TARGETS, "--force"])


def test_every_pair_agrees_and_reports_are_complete(work, capsys):
    assert run(work, str(work / "tiny.yml"), "-o", str(work / "out")) == 0
    report = json.loads((work / "out" / "matrix.json").read_text())
    (model,) = report["models"]
    assert model["order"] == TARGETS.split(",") and len(model["images"]) == len(PHOTOS)
    for key in ("top1", "top5"):
        assert model["pairs"][key] == [[1.0] * 5 for _ in range(5)]
    assert max(max(row) for row in model["pairs"]["max_logit_distance"]) < 1e-4
    for target, entry in model["targets"].items():
        assert entry["status"] == "ok" and len(entry["top1"]) == len(PHOTOS), target
        assert len(entry["top5"][0]) == 5 and entry["latency_ms"]["p50"] > 0
    assert (work / "out" / "tiny_top1.png").read_bytes()[:4] == b"\x89PNG"
    assert "| mxnet | ok |" in (work / "out" / "matrix.md").read_text()


def test_a_failing_target_is_reported_and_the_others_still_run(work, capsys):
    assert run(work, str(work / "tiny_resize.yml"), "-o", str(work / "out_resize")) == 1
    (model,) = json.loads((work / "out_resize" / "matrix.json").read_text())["models"]
    assert model["targets"]["mxnet"]["status"] == "failed"
    assert "Resize" in model["targets"]["mxnet"]["error"]
    assert [p["b"] for p in model["failed_pairs"]] == ["mxnet"] * 4
    assert model["pairs"]["top1"][0][:4] == [1.0] * 4 and model["pairs"]["top1"][0][4] is None
    assert "to_mxnet" in (work / "out_resize" / "errors" / "tiny_resize" / "mxnet.log").read_text()


def test_a_planted_disagreement_exits_1(work, monkeypatch, capsys):
    honest = frontc.runtimes._BUILDERS["mxnet"]

    def negated(graph):
        runner = honest(graph)
        return lambda feeds: {k: -v for k, v in runner(feeds).items()}

    monkeypatch.setitem(frontc.runtimes._BUILDERS, "mxnet", negated)
    assert run(work, str(work / "tiny.yml"), "-o", str(work / "out_planted")) == 1
    assert "mxnet: top-1 agreement" in capsys.readouterr().out.replace("source vs ", "")
    (model,) = json.loads((work / "out_planted" / "matrix.json").read_text())["models"]
    assert model["pairs"]["top1"][0][4] < 1.0 and model["pairs"]["top1"][0][3] == 1.0


def test_a_non_image_in_the_folder_is_a_one_line_error(work, tmp_path, capsys):
    images = tmp_path / "images"
    shutil.copytree(work / "images", images)
    (images / "notes.txt").write_text("not an image")
    code = main(["matrix", str(work / "tiny.yml"), "--images", str(images), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "'notes.txt' is not an image file" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_existing_report_is_kept_without_force(work, tmp_path, capsys):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "matrix.json").write_text("{}")
    code = main(["matrix", str(work / "tiny.yml"), "--images", str(work / "images"), "-o", str(tmp_path / "old")])
    err = capsys.readouterr().err
    assert code == 2 and "matrix.json" in err and len(err.strip().splitlines()) == 1
    assert (tmp_path / "old" / "matrix.json").read_text() == "{}"


def test_unknown_target_and_model_exit_2(work, capsys):
    assert main(["matrix", str(work / "tiny.yml"), "--images", str(work / "images"), "--targets", "cuda"]) == 2
    assert "unknown runtime 'cuda'" in capsys.readouterr().err
    assert main(["matrix", "torch:nope", "--images", str(work / "images"), "-o", str(work / "x")]) == 2


@pytest.mark.slow
def test_trained_efficientnet_lite0_agrees_everywhere_on_imagenet_samples(tmp_path, capsys):
    """The checklist's trained model through all eight targets on foolbox's 20 ImageNet JPEGs."""
    from frontc.data.imagenet_samples import sample_files

    images = tmp_path / "images"
    images.mkdir()
    for path, _ in sample_files():
        shutil.copy(path, images / path.name)
    config = Path(__file__).resolve().parents[2] / "configs" / "matrix_efficientnet_lite0.yml"
    assert main(["matrix", str(config), "--images", str(images), "-o", str(tmp_path / "out")]) == 0
    (model,) = json.loads((tmp_path / "out" / "matrix.json").read_text())["models"]
    assert len(model["order"]) == 8 and all(v == 1.0 for row in model["pairs"]["top1"] for v in row)
    assert all(entry["accuracy"]["top1"] == 0.85 for entry in model["targets"].values())  # 17 of 20
