"""frontc reconstruct and frontc diff on a compiled tiny network (PyTorch side; TF in tests/backends/tf)."""
import numpy as np
import pytest
import torch

import frontc
from frontc.cli import main
from frontc.compiler import compile_graph
from frontc.ir import save_graph


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    from frontc.testing.graphs import tiny_resnet
    out = tmp_path_factory.mktemp("ir")
    graph = tiny_resnet()
    result = compile_graph(graph)
    save_graph(result.reconstruct, out / "IR_for_reconstruct")
    save_graph(result.cmodel, out / "IR_fused_for_CModel")
    x = np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
    np.save(out / "input.npy", x)
    np.save(out / "result.npy", frontc.run(graph, x)["prob"])
    return out


@pytest.mark.parametrize("ir", ["IR_for_reconstruct", "IR_fused_for_CModel"])
def test_torch_reconstruction_passes_and_saves_torchscript(compiled, ir, capsys):
    args = ["reconstruct", "torch", "--graph", str(compiled / f"{ir}_graph.json"),
            "--input_npy", str(compiled / "input.npy"), "--result_npy", str(compiled / "result.npy"),
            "--save_path", str(compiled / f"{ir}.pt")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "PASS" in out and "cosine=" in out
    scripted = torch.jit.load(str(compiled / f"{ir}.pt"))
    y = scripted(torch.from_numpy(np.load(compiled / "input.npy"))).detach().numpy()
    np.testing.assert_allclose(y, np.load(compiled / "result.npy"), rtol=0, atol=1e-6)


def test_reconstruction_over_threshold_exits_1(compiled, tmp_path, capsys):
    np.save(tmp_path / "wrong.npy", np.load(compiled / "result.npy")[:, ::-1])
    args = ["reconstruct", "torch", "--graph", str(compiled / "IR_for_reconstruct_graph.json"),
            "--input_npy", str(compiled / "input.npy"), "--result_npy", str(tmp_path / "wrong.npy")]
    assert main(args) == 1
    assert "FAIL" in capsys.readouterr().out


def test_nhwc_input_is_transposed_with_a_note_only_when_said(compiled, tmp_path, capsys):
    np.save(tmp_path / "nhwc.npy", np.load(compiled / "input.npy").transpose(0, 2, 3, 1))
    args = ["reconstruct", "torch", "--graph", str(compiled / "IR_for_reconstruct_graph.json"),
            "--input_npy", str(tmp_path / "nhwc.npy"), "--result_npy", str(compiled / "result.npy")]
    assert main(args) == 2  # an NCHW model's arrays are NCHW: no layout guessed from the shape
    assert "--layout NHWC if yours is NHWC" in capsys.readouterr().err
    assert main(args + ["--layout", "NHWC"]) == 0
    assert "read as NHWC [1, 32, 32, 3], transposed to the IR's NCHW" in capsys.readouterr().out


def test_diff_fused_ir_against_torch_of_reconstruct_ir_matches(compiled, tmp_path, capsys):
    args = ["diff", "--graph", str(compiled / "IR_for_reconstruct_graph.json"),
            "--graph-b", str(compiled / "IR_fused_for_CModel_graph.json"), "--a", "ir", "--b", "torch",
            "--input_npy", str(compiled / "input.npy"), "--plot", str(tmp_path / "diff.png")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "block.relu2" in out and "first layer with rel_max > 0.0001: none" in out
    assert (tmp_path / "diff.png").read_bytes()[:4] == b"\x89PNG"


def test_diff_names_the_layer_with_a_planted_bug(compiled, tmp_path, capsys):
    graph = frontc.load_graph(compiled / "IR_for_reconstruct_graph.json")
    broken = graph.copy()
    weight = broken.params["block.conv2.weight"].copy()
    weight[3, 5, 1, 1] += 0.5
    broken.params["block.conv2.weight"] = weight
    save_graph(broken, tmp_path / "broken")
    args = ["diff", "--graph", str(compiled / "IR_for_reconstruct_graph.json"),
            "--graph-b", str(tmp_path / "broken_graph.json"), "--a", "ir", "--b", "torch",
            "--input_npy", str(compiled / "input.npy")]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "first layer with rel_max > 0.0001: block.conv2 (Conv)" in out


def test_tf_reconstruction_saves_a_frozen_pb_that_imports_back(compiled, capsys):
    args = ["reconstruct", "tf", "--graph", str(compiled / "IR_fused_for_CModel_graph.json"),
            "--input_npy", str(compiled / "input.npy"), "--result_npy", str(compiled / "result.npy"),
            "--save_path", str(compiled / "tf_reconstruct.pb")]
    assert main(args) == 0 and "PASS" in capsys.readouterr().out
    reimported = frontc.load(str(compiled / "tf_reconstruct.pb"), "tf")
    assert reimported.inputs[0].shape == (1, 3, 32, 32)  # NHWC file, NCHW IR: no layout guessed
    (y,) = frontc.run(reimported, np.load(compiled / "input.npy")).values()
    np.testing.assert_allclose(y, np.load(compiled / "result.npy"), rtol=0, atol=1e-6)


def test_onnx_and_mxnet_targets_pass_and_onnx_saves_a_model(compiled, capsys):
    import onnxruntime as ort

    base = ["--graph", str(compiled / "IR_fused_for_CModel_graph.json"), "--input_npy", str(compiled / "input.npy"),
            "--result_npy", str(compiled / "result.npy")]
    assert main(["reconstruct", "mxnet", *base]) == 0
    assert "PASS" in capsys.readouterr().out
    assert main(["reconstruct", "onnx", *base, "--save_path", str(compiled / "fused.onnx")]) == 0
    assert "PASS" in capsys.readouterr().out
    session = ort.InferenceSession(str(compiled / "fused.onnx"), providers=["CPUExecutionProvider"])
    y = session.run(None, {session.get_inputs()[0].name: np.load(compiled / "input.npy")})[0]
    np.testing.assert_allclose(y, np.load(compiled / "result.npy"), rtol=0, atol=1e-6)
