"""frontc checklist: every step on real models, failures reported in the table, tables written."""
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
import yaml
from onnx import helper, numpy_helper

from frontc.cli import main

ROOT = Path(__file__).resolve().parents[2]


def small_onnx(path):
    """Conv-BN-ReLU, a residual add, global pooling and a Gemm classifier, with seeded weights."""
    rng = np.random.default_rng(0)
    inits = {"w1": rng.standard_normal((8, 3, 3, 3)) * 0.3, "b1": rng.normal(0, 0.1, 8),
             "s": rng.uniform(0.5, 1.5, 8), "t": rng.normal(0, 0.1, 8), "m": rng.normal(0, 0.1, 8),
             "v": rng.uniform(0.5, 1.5, 8), "w2": rng.standard_normal((8, 8, 3, 3)) * 0.2,
             "fc": rng.standard_normal((5, 8)) * 0.5, "fcb": rng.normal(0, 0.1, 5)}
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c1", "s", "t", "m", "v"], ["bn"]),
             helper.make_node("Relu", ["bn"], ["r1"]),
             helper.make_node("Conv", ["r1", "w2"], ["c2"], pads=[1, 1, 1, 1]),
             helper.make_node("Add", ["c2", "r1"], ["sum"]), helper.make_node("Relu", ["sum"], ["r2"]),
             helper.make_node("GlobalAveragePool", ["r2"], ["gap"]), helper.make_node("Flatten", ["gap"], ["f"]),
             helper.make_node("Gemm", ["f", "fc", "fcb"], ["logits"], transB=1)]
    float32 = onnx.TensorProto.FLOAT
    graph = helper.make_graph(nodes, "small", [helper.make_tensor_value_info("x", float32, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info("logits", float32, [1, 5])],
                              [numpy_helper.from_array(v.astype(np.float32), k) for k, v in inits.items()])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory):
    import onnxruntime as ort
    root = tmp_path_factory.mktemp("cfg")
    small_onnx(root / "small.onnx")
    x = np.random.default_rng(1).uniform(-1, 1, (1, 3, 16, 16)).astype(np.float32)
    (y,) = ort.InferenceSession(str(root / "small.onnx"), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    np.save(root / "input.npy", x)
    np.save(root / "result.npy", y)
    np.save(root / "wrong.npy", y[:, ::-1])
    for name, result in (("good", "result.npy"), ("bad", "wrong.npy")):
        (root / f"{name}.yml").write_text(f"MODEL:\n  framework: onnx\n  path: small.onnx\nEVALUATION:\n"
                                          f"  input_npy: input.npy\n  result_npy: {result}\n")
    return root


SEED_HEADERS = [
    "| model | sparse rate | acc top1 | training date | input_shape |",
    "| model | acc top1 | orig model top1 | training date | input_shape | compiler pass |",
    "| model | training date | input_shape | compiler pass | nnz/sparsity | flops dense/sp M |",
    "| model | orig model top1 | training date | input_shape | compiler pass | torch rt |",
    "| model | training date | input_shape | compiler pass | torch rt | tf rt |",
    "| model | compiler pass | torch rt | tf rt | quantacc (fpga/asic) |"]


def steps_of(folder):
    return {s["name"]: s for s in json.loads((folder / "checklist.json").read_text())["steps"]}


def test_config_with_source_framework_result_passes_every_step(config_dir, tmp_path, capsys):
    assert main(["checklist", str(config_dir / "good.yml"), "-o", str(tmp_path)]) == 0
    table = (tmp_path / "checklist.md").read_text()
    assert all(header in table for header in SEED_HEADERS) and "| small | " in table
    assert "result_npy of the config" in table
    report = json.loads((tmp_path / "checklist.json").read_text())
    assert report["passed"] and [(s["number"], s["name"]) for s in report["steps"]] == [
        (1, "get model"), (2, "sparse training"), (3, "compile"), (4, "complexity"), (5, "torch rt"), (5, "tf rt"),
        (6, "quantization"), (7, "performance model")]
    steps = steps_of(tmp_path)
    assert steps["sparse training"]["ok"] is None and "no SPARSE section" in steps["sparse training"]["reason"]
    assert all(v["rel_max"] < 1e-5 for name in ("torch rt", "tf rt") for v in steps[name]["data"].values())
    assert (tmp_path / "moffett_ir" / "IR_fused_for_CModel_graph.json").exists()
    assert (tmp_path / "tf_IR_for_reconstruct.pb").exists() and (tmp_path / "torch_IR_fused_for_CModel.pt").exists()
    assert (tmp_path / "source" / "small.onnx").read_bytes() == (config_dir / "small.onnx").read_bytes()
    assert (tmp_path / "roofline.png").exists() and steps["performance model"]["data"]["latency_ms"] > 0
    assert "nnz: " in capsys.readouterr().out


def test_unchanged_steps_are_reused_and_a_changed_input_reruns_only_what_depends_on_it(config_dir, tmp_path):
    folder = tmp_path / "cfg"
    folder.mkdir()
    for name in ("small.onnx", "input.npy", "result.npy", "good.yml"):
        (folder / name).write_bytes((config_dir / name).read_bytes())
    out = tmp_path / "out"
    assert main(["checklist", str(folder / "good.yml"), "-o", str(out)]) == 0
    first = steps_of(out)
    assert main(["checklist", str(folder / "good.yml"), "-o", str(out)]) == 0
    assert all(s["reused"] for s in steps_of(out).values() if s["ok"])
    hardware = yaml.safe_load((ROOT / "configs/hardware/example_accelerator.yaml").read_text())
    (folder / "hw.yaml").write_text(yaml.safe_dump(hardware | {"dram_gbps": 1.0}))
    (folder / "good.yml").write_text((folder / "good.yml").read_text() + "PERF:\n  hardware: hw.yaml\n")
    assert main(["checklist", str(folder / "good.yml"), "-o", str(out)]) == 0
    third = steps_of(out)
    assert [n for n, s in third.items() if s["ok"] and not s["reused"]] == ["performance model"]
    assert third["performance model"]["data"]["latency_ms"] > first["performance model"]["data"]["latency_ms"]
    (out / "moffett_ir" / "IR_for_reconstruct_graph.png").unlink()  # a damaged output is not reused
    assert main(["checklist", str(folder / "good.yml"), "-o", str(out), "--steps", "3,4"]) == 0
    fourth = steps_of(out)
    assert [n for n, s in fourth.items() if s["ok"] and not s["reused"]] == ["compile"]
    assert (out / "moffett_ir" / "IR_for_reconstruct_graph.png").exists()


def test_selected_steps_without_their_inputs_are_skipped(config_dir, tmp_path):
    assert main(["checklist", str(config_dir / "good.yml"), "-o", str(tmp_path), "--steps", "3,4"]) == 1
    steps = steps_of(tmp_path)
    assert steps["get model"]["reason"] == "not selected (--steps)"
    assert steps["compile"]["reason"] == "skipped: needs get model"
    assert main(["checklist", str(config_dir / "good.yml"), "-o", str(tmp_path), "--steps", "3,9"]) == 2


def test_submit_puts_the_checked_model_into_the_zoo(config_dir, tmp_path, capsys):
    zoo = tmp_path / "zoo"
    assert main(["checklist", str(config_dir / "good.yml"), "-o", str(tmp_path / "out"), "--submit",
                 "--zoo", str(zoo)]) == 0
    version = zoo / "vision" / "classification" / "small" / "original"
    card = yaml.safe_load((version / "card.yaml").read_text())
    assert card["framework"] == "onnx" and card["input_shape"] == [1, 3, 16, 16] and card["nnz"] > 0
    assert card["checklist"]["tf rt"] == "yes" and (version / "small.onnx").exists()
    assert (version / "moffett_ir" / "IR_fused_for_CModel_params.npz").exists()
    assert main(["zoo", "verify", "--zoo", str(zoo)]) == 0
    assert main(["checklist", str(config_dir / "bad.yml"), "-o", str(tmp_path / "bad"), "--submit",
                 "--zoo", str(zoo)]) == 1
    assert "not submitted" in capsys.readouterr().out and len(list(zoo.glob("*/*/*/*"))) == 1


def test_failed_steps_are_reported_and_the_others_still_run(config_dir, tmp_path):
    assert main(["checklist", str(config_dir / "bad.yml"), "-o", str(tmp_path)]) == 1
    report = steps_of(tmp_path)
    assert report["compile"]["ok"] and report["complexity"]["ok"] and report["performance model"]["ok"]
    assert not report["torch rt"]["ok"] and "> threshold 0.001" in report["tf rt"]["reason"]
    assert "| 5 | torch rt | no |" in (tmp_path / "checklist.md").read_text()


def test_unknown_model_is_a_one_line_error_and_writes_nothing(tmp_path, capsys):
    assert main(["checklist", "no_such_model", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "is not a file, a YAML config or a catalog model" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_folder_not_written_by_the_checklist_needs_force(config_dir, tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("keep")
    assert main(["checklist", str(config_dir / "good.yml"), "-o", str(tmp_path)]) == 2
    assert "was not written by frontc checklist" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_catalog_model_uses_the_source_framework_reference(tmp_path):
    assert main(["checklist", "mxnet:resnet18_v1_small", "-o", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "checklist.json").read_text())
    assert report["steps"][0]["data"]["reference"] == "mxnet (the source framework)"
    names = sorted(p.name for p in (tmp_path / "source").iterdir())
    assert names == ["resnet18_v1_small-0000.params", "resnet18_v1_small-symbol.json"]


def fashion_onnx(path):
    """A seeded 1x1x28x28 classifier: Conv-Relu-GlobalAveragePool-Flatten-Gemm."""
    rng = np.random.default_rng(3)
    inits = [numpy_helper.from_array(rng.standard_normal(s).astype(np.float32) / 3, n)
             for n, s in (("w", (6, 1, 5, 5)), ("fw", (10, 6)), ("fb", (10,)))]
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"]), helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("GlobalAveragePool", ["r"], ["g"]), helper.make_node("Flatten", ["g"], ["f"]),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1)]
    float32 = onnx.TensorProto.FLOAT
    graph = helper.make_graph(nodes, "fashion_tiny", [helper.make_tensor_value_info("x", float32, [1, 1, 28, 28])],
                              [helper.make_tensor_value_info("y", float32, [1, 10])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_float_accuracy_and_sparse_record_reach_the_tables_the_card_and_the_version(tmp_path):
    import onnxruntime as ort

    from frontc.datasets import fashion_mnist
    from frontc.models.record import TrainingRecord, write_record
    fashion_onnx(tmp_path / "tiny.onnx")
    write_record(tmp_path / "record.json", TrainingRecord(
        model="tiny", framework="onnx", dataset="fashion-mnist", pattern="unstructured", sparse_rate=90.0,
        top1=12.5, training_date="20261130", input_shape=[1, 1, 28, 28]))
    (tmp_path / "tiny.yml").write_text("MODEL:\n  framework: onnx\n  path: tiny.onnx\nEVALUATION:\n"
                                       "  dataset: fashion-mnist\n  limit: 300\nSPARSE:\n  record: record.json\n"
                                       "QUAN:\n  calibration: 50\n")
    zoo = tmp_path / "zoo"
    assert main(["checklist", str(tmp_path / "tiny.yml"), "-o", str(tmp_path / "out"), "--submit",
                 "--zoo", str(zoo)]) == 0
    split = fashion_mnist.load("test")
    x, labels = fashion_mnist.normalize(split.images[:300]), split.labels[:300]
    session = ort.InferenceSession(str(tmp_path / "tiny.onnx"), providers=["CPUExecutionProvider"])
    expected = np.mean([session.run(None, {"x": x[i:i + 1]})[0].argmax() == labels[i] for i in range(300)])
    steps = steps_of(tmp_path / "out")
    assert steps["get model"]["data"]["top1"] == pytest.approx(expected, abs=1e-12)
    assert steps["sparse training"]["data"]["sparsity"] == 0.9
    table = (tmp_path / "out" / "checklist.md").read_text()
    assert f"| tiny | 90.00 | {100 * expected:.2f} | 20261130 | 28x28 |" in table
    card = yaml.safe_load((zoo / "vision/classification/tiny/20261130_sp90_28x28/card.yaml").read_text())
    assert card["accuracy"]["float"] == pytest.approx(expected) and card["checklist"]["sparse training"] == "yes"
    quant = steps["quantization"]["data"]
    assert quant["float_top1"] == pytest.approx(expected)  # frontc's interpreter agrees with onnxruntime
    assert set(card["accuracy"]["quantized"]) == {"scale_shift/perlayer", "symmetry_max/perchannel"}
    for pair, result in quant["strategies"].items():
        assert 0 < result["final_distance"] < 0.1 and result["agreement"] > 0.8, (pair, result)
    version = zoo / "vision/classification/tiny/20261130_sp90_28x28"
    assert (version / "tiny_scale_shift_quantization.pb").exists() and (version / "tiny_symmetry_max_quantization.pb"
                                                                        ).exists()
