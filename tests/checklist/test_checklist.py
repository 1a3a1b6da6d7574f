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
        (6, "quantization"), (7, "performance model"), (8, "fast prune")]
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
    write_record(tmp_path / "tiny_sp90_record.json", TrainingRecord(
        model="tiny", framework="onnx", dataset="fashion-mnist", pattern="unstructured", sparse_rate=90.0,
        top1=12.5, training_date="20261130", input_shape=[1, 1, 28, 28]))
    write_record(tmp_path / "tiny_dense_record.json", TrainingRecord(  # its top-1: the orig model top1
        model="tiny", framework="onnx", dataset="fashion-mnist", pattern="dense", sparse_rate=0.0,
        top1=14.25, training_date="20261129", input_shape=[1, 1, 28, 28]))
    (tmp_path / "tiny.yml").write_text("MODEL:\n  framework: onnx\n  path: tiny.onnx\nEVALUATION:\n"
                                       "  dataset: fashion-mnist\n  limit: 300\nSPARSE:\n"
                                       "  record: tiny_sp90_record.json\n"
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
    assert f"| tiny | {100 * expected:.2f} | 14.25 | 20261130 | 28x28 | yes |" in table  # step 3, orig from dense
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


def pruned_onnx(path):
    """fashion_onnx's classifier with 80% of the conv weights and 70% of the classifier's set to zero."""
    fashion_onnx(path)
    model = onnx.load(str(path))
    rng = np.random.default_rng(4)
    for init in model.graph.initializer:
        if init.name in ("w", "fw"):
            value = numpy_helper.to_array(init).copy()
            value.reshape(-1)[rng.permutation(value.size)[:int({"w": 0.8, "fw": 0.7}[init.name] * value.size)]] = 0
            init.CopyFrom(numpy_helper.from_array(value, init.name))
    onnx.save(model, str(path))


def test_step7_models_the_quantized_sparse_ir_of_step6_and_refuses_unsupported_bits(tmp_path, capsys):
    from frontc.ir.serialize import load_graph
    from frontc.models.record import TrainingRecord, write_record
    pruned_onnx(tmp_path / "tiny.onnx")
    write_record(tmp_path / "record.json", TrainingRecord(
        model="tiny", framework="onnx", dataset="fashion-mnist", pattern="unstructured", sparse_rate=75.0,
        top1=10.0, training_date="20261130", input_shape=[1, 1, 28, 28]))
    hw = {"name": "acc4", "mac_array": 256, "mac_bits": 8, "clock_mhz": 500, "bit_widths": [4, 8], "vector_lanes": 16,
          "sram_kib": 64, "dram_gbps": 8, "layer_overhead_us": 0.5, "sparse_index_bits": 4,
          "sparse_speedup": {"unstructured": 2.0}}
    (tmp_path / "hw.yaml").write_text(yaml.safe_dump(hw))
    config = ("MODEL:\n  framework: onnx\n  path: tiny.onnx\nSPARSE:\n  record: record.json\n"
              "PERF:\n  hardware: hw.yaml\nQUAN:\n  strategies: [symmetry_max/perchannel]\n  weight_bits: 4\n")
    (tmp_path / "tiny.yml").write_text(config)
    out = tmp_path / "out"
    assert main(["checklist", str(tmp_path / "tiny.yml"), "-o", str(out)]) == 0
    steps = steps_of(out)
    assert steps["compile"]["data"]["sparse_layers"] == 2 and steps["quantization"]["data"]["weight_bits"] == 4
    perf = steps["performance model"]["data"]
    assert perf["ir"] == "quantized IR_fused_for_CModel (symmetry_max/perchannel, step 6)"
    assert perf["bits_from"] == "quantization annotations: symmetry_max perchannel, W4/A8"
    graph = load_graph(out / "quantized/IR_symmetry_max_perchannel_graph.json")
    layers = {r["name"]: r for r in json.loads((out / "perf.json").read_text())["layers"]}
    node = next(n for n in graph.nodes if n.op == "Conv")
    w, conv = graph.params[node.inputs[1]], layers[node.name]
    nnz = np.count_nonzero(w)  # 30 of 150: 80% zeros, ideal 5x, capped at the hardware's 2x
    assert nnz == 30 and conv["pattern"] == "unstructured" and (conv["weight_bits"], conv["act_bits"]) == (4, 8)
    assert conv["effective_macs"] == conv["macs"] / 2 == 6 * 24 * 24 * 25 / 2
    assert conv["weight_bytes"] == nnz * (4 + 4) / 8  # 4-bit nonzeros with 4 index bits (no bias)
    dense = layers[next(n.name for n in graph.nodes if n.op == "Dense")]  # 18 of 60 nonzero, ideal 3.3x, cap 2x
    assert dense["pattern"] == "unstructured" and dense["effective_macs"] == 60 / 2
    assert dense["weight_bytes"] == 18 * (4 + 4) / 8 + 10 * 32 / 8  # and its int32 bias
    table = (out / "checklist.md").read_text()
    assert ("| tiny | acc4 | quantized IR_fused_for_CModel (symmetry_max/perchannel, step 6) | 28x28 | "
            "quantization annotations: symmetry_max perchannel, W4/A8 | 2/4 |") in table
    # a hardware without 4-bit support: step 7 fails on one line, the other steps are reused
    (tmp_path / "hw.yaml").write_text(yaml.safe_dump(hw | {"bit_widths": [8]}))
    assert main(["checklist", str(tmp_path / "tiny.yml"), "-o", str(out)]) == 1
    steps = steps_of(out)
    assert "quantized to 4 bits, which acc4 does not support (bit_widths [8])" in steps["performance model"]["reason"]
    assert all(s["reused"] for name, s in steps.items() if name not in ("performance model",) and s["ok"])
    # without step 6 (--steps 7 on a fresh folder is not possible: compile it without QUAN) step 7 models float
    (tmp_path / "float.yml").write_text(config.split("QUAN:")[0].replace("hw.yaml", "hw8.yaml"))
    (tmp_path / "hw8.yaml").write_text(yaml.safe_dump(hw | {"bit_widths": [8]}))
    assert main(["checklist", str(tmp_path / "float.yml"), "-o", str(tmp_path / "float")]) == 0
    perf = steps_of(tmp_path / "float")["performance model"]["data"]
    assert perf["ir"] == "IR_fused_for_CModel (float: step 6 did not run)" and perf["bits_from"].startswith("float IR")


def test_step8_runs_fast_prune_writes_its_table_and_submits_its_sparse_versions(tmp_path, capsys):
    from frontc.models.record import read_record
    fashion_onnx(tmp_path / "tiny.onnx")
    (tmp_path / "tiny.yml").write_text(
        "MODEL:\n  framework: onnx\n  path: tiny.onnx\nFAST_PRUNE:\n  model: fashion_cnn\n"
        "  runs: unstructured@75,2:4@50\n"
        "  limit: 300\n  epochs: 1\n  sparse_epochs: 1\n  frequency: 1\n  torch_prune_rates: ''\n")
    zoo, out = tmp_path / "zoo", tmp_path / "out"
    assert main(["checklist", str(tmp_path / "tiny.yml"), "-o", str(out), "--submit", "--zoo", str(zoo)]) == 0
    printed = capsys.readouterr().out
    step = steps_of(out)["fast prune"]
    rows = {(r["pattern"], r["sparse_rate"]): r for r in step["data"]["rows"]}
    assert sorted(rows) == [("2:4", 50.0), ("dense", 0.0), ("unstructured", 75.0)]
    dense = read_record(out / "fast_prune" / "fashion_cnn_dense_record.json")
    assert rows[("dense", 0.0)]["top1"] == dense.top1
    table = (out / "checklist.md").read_text()
    assert "## step 8: fast prune" in table and "| model | pruner | pattern | sparse rate | acc top1 |" in table
    for (pattern, rate), row in rows.items():
        record = read_record(out / "fast_prune" / f"{row['tag']}_record.json")
        assert (record.pattern, record.sparse_rate, record.top1) == (pattern, rate, row["top1"])
        if pattern == "dense":
            continue
        version = f"{record.training_date}_sp{rate:g}_28x28"
        pruner = "frontc Prune (lamp)" if pattern == "unstructured" else "frontc Prune"   # fast_prune's default scope
        assert f"| fashion_cnn | {pruner} | {pattern} | {rate:g} | {row['top1']:.2f} |" in table
        assert f"submitted vision/classification/fashion_cnn/{version}" in printed
        folder = zoo / "vision/classification/fashion_cnn" / version
        card = yaml.safe_load((folder / "card.yaml").read_text())
        assert card["accuracy"]["float"] == pytest.approx(row["top1"] / 100)
        assert card["accuracy"]["orig_top1"] == pytest.approx(dense.top1 / 100) and card["nnz"] == row["nnz"]
        assert (folder / "moffett_ir/IR_fused_for_CModel_graph.json").exists()
        assert (folder / f"{row['tag']}.torchscript.pt").exists()
    assert "submitted vision/classification/tiny/original" in printed
    assert main(["zoo", "verify", "--zoo", str(zoo)]) == 0
    # reading the run instead: only the chosen version; a version already in the zoo submits nothing
    (tmp_path / "read.yml").write_text("MODEL:\n  framework: onnx\n  path: tiny.onnx\nFAST_PRUNE:\n"
                                       "  record: out/fast_prune\n  submit: ['2:4@50']\n")
    assert main(["checklist", str(tmp_path / "read.yml"), "-o", str(tmp_path / "read"), "--submit", "--zoo",
                 str(tmp_path / "zoo2")]) == 0
    versions = steps_of(tmp_path / "read")["fast prune"]["data"]["versions"]
    assert [v["card"]["pattern"] for v in versions] == ["2:4"]
    capsys.readouterr()
    assert main(["checklist", str(tmp_path / "read.yml"), "-o", str(tmp_path / "read"), "--submit", "--zoo",
                 str(zoo)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "tiny/original already exists" in err[0] and "nothing was submitted" in err[0]


def test_a_missing_trained_file_names_the_command_that_creates_it(tmp_path, capsys):
    fashion_onnx(tmp_path / "tiny.onnx")
    command = "python projects/fast_prune/fast_prune.py --model fashion_cnn -o fast_prune_out"
    for section, text in (("MODEL", "MODEL:\n  framework: onnx\n  path: gone.onnx\n  created_by: make it\n"),
                          ("SPARSE", f"MODEL:\n  framework: onnx\n  path: tiny.onnx\nSPARSE:\n  record: r.json\n"
                                     f"  created_by: {command}\n")):
        (tmp_path / "c.yml").write_text(text)
        assert main(["checklist", str(tmp_path / "c.yml"), "-o", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        made = "make it" if section == "MODEL" else command
        assert len(err) == 1 and f"{section}." in err[0] and f"does not exist; create it with: {made}" in err[0]
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["fashion_cnn.yml", "fashion_cnn_sparse.yml"])
def test_the_fashion_configs_name_the_project_commands_of_their_files(name, tmp_path, capsys):
    config = yaml.safe_load((ROOT / "configs" / name).read_text())
    for section in ("MODEL", "SPARSE", "FAST_PRUNE"):
        if section in config:
            assert config[section]["created_by"].startswith("python projects/"), section
    (tmp_path / "configs").mkdir()  # a copy, so its relative paths point into an empty folder
    (tmp_path / "configs" / name).write_text((ROOT / "configs" / name).read_text())
    assert main(["checklist", str(tmp_path / "configs" / name), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"create it with: {config['MODEL']['created_by']}" in err[0]
