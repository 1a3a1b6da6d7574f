"""frontc checklist: every step on real models, failures reported in the table, tables written."""
import json

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from frontc.cli import main


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


def test_config_with_source_framework_result_passes_every_step(config_dir, tmp_path, capsys):
    assert main(["checklist", str(config_dir / "good.yml"), "-o", str(tmp_path)]) == 0
    table = (tmp_path / "checklist.md").read_text()
    assert "| small | " in table and "| yes | " in table and "result_npy of the config" in table
    report = json.loads((tmp_path / "checklist.json").read_text())
    assert report["passed"] and [s["name"] for s in report["steps"]] == [
        "get model", "compile", "complexity", "torch rt (reconstruct)", "torch rt (cmodel)",
        "tf rt (reconstruct)", "tf rt (cmodel)"]
    assert all(s["data"].get("rel_max", 0) < 1e-5 for s in report["steps"])
    assert (tmp_path / "moffett_ir" / "IR_fused_for_CModel_graph.json").exists()
    assert (tmp_path / "tf_IR_for_reconstruct.pb").exists() and (tmp_path / "torch_IR_fused_for_CModel.pt").exists()
    assert "nnz: " in capsys.readouterr().out


def test_failed_steps_are_reported_and_the_others_still_run(config_dir, tmp_path):
    assert main(["checklist", str(config_dir / "bad.yml"), "-o", str(tmp_path)]) == 1
    report = {s["name"]: s for s in json.loads((tmp_path / "checklist.json").read_text())["steps"]}
    assert report["compile"]["ok"] and report["complexity"]["ok"]
    assert not report["torch rt (reconstruct)"]["ok"] and "> threshold 0.001" in report["tf rt (cmodel)"]["reason"]
    assert "| torch rt (reconstruct) | no |" in (tmp_path / "checklist.md").read_text()


def test_unknown_model_is_a_one_line_error_and_writes_nothing(tmp_path, capsys):
    assert main(["checklist", "no_such_model", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "is not a file, a YAML config or a built-in model" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_built_in_case_uses_the_source_framework_reference(tmp_path):
    assert main(["checklist", "mxnet:resnet18_v1_small", "-o", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "checklist.json").read_text())
    assert report["steps"][0]["data"]["reference"] == "mxnet (the source framework)"
