"""The input contract's flags and messages: --module, framework aliases, the layout rule, notes,
every unsupported op at once, the checklist's reference."""
import numpy as np
import pytest
import torch

import frontc
from frontc.checklist.source import resolve
from frontc.cli import for_cli, main
from frontc.interpreter import run
from frontc.ir import load_graph, save_graph
from frontc.ir.errors import UnsupportedOpError
from frontc.testing.graphs import tiny_resnet
from tests.corpus.fixtures import onnx_model


@pytest.fixture
def state_dict(tmp_path):
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(3, 8, 3, padding=1)
    torch.save(conv.state_dict(), tmp_path / "conv.pt")
    return conv, tmp_path / "conv.pt"


def test_module_flag_loads_a_state_dict_with_constructor_arguments(state_dict, tmp_path, capsys):
    conv, path = state_dict
    args = ["compile", "pytorch", str(path), "--module", "torch.nn:Conv2d(3, 8, 3, padding=1)",
            "--input-shape", "1,3,8,8", "-o", str(tmp_path / "ir"), "--no-png"]
    assert main(args) == 0, capsys.readouterr().err
    graph = load_graph(tmp_path / "ir" / "IR_for_reconstruct_graph.json")
    assert graph.input_names == ["input"]  # a bare --input-shape keeps the forward's own name
    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32)
    expected = conv(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(run(graph, x)[graph.outputs[0]], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("module, message", [
    ("torch.nn:Conv2d(3, 4, 3)", "size mismatch"), ("torch.nn:Conv2d", "missing 3 required positional"),
    ("torch.nn.nothere:X", "cannot import torch.nn.nothere"), ("torch.nn:Nothing", "torch.nn has no 'Nothing'"),
    ("torch.nn:Conv2d(open('x'))", "must be Python literals"), ("Conv2d", "expected package.module:Class")])
def test_module_flag_errors_are_one_line(state_dict, tmp_path, capsys, module, message):
    _, path = state_dict
    assert main(["compile", "torch", str(path), "--module", module, "--input-shape", "1,3,8,8",
                 "-o", str(tmp_path / "ir")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


class Small(torch.nn.Module):
    """Conv-ReLU-pool-linear: a user's architecture, built from the command line by --module."""

    def __init__(self, channels: int, classes: int = 10) -> None:
        super().__init__()
        self.conv, self.fc = torch.nn.Conv2d(3, channels, 3, padding=1), torch.nn.Linear(channels, classes)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).mean((2, 3)))


def test_diff_against_the_source_of_a_state_dict(tmp_path, capsys):
    torch.manual_seed(0)
    torch.save(Small(6, classes=4).state_dict(), tmp_path / "small.pt")
    np.save(tmp_path / "x.npy", np.random.default_rng(1).standard_normal((1, 3, 8, 8)).astype(np.float32))
    assert main(["diff", "--source", str(tmp_path / "small.pt"), "--framework", "pytorch", "--module",
                 "tests.test_contract:Small(6, classes=4)", "--input-shape", "1,3,8,8", "--a", "source", "--b", "ir",
                 "--input_npy", str(tmp_path / "x.npy")]) == 0
    out = capsys.readouterr().out
    assert "first layer with rel_max > 0.0001: none" in out and "tensors of the torch model" in out


def test_the_layout_rule_follows_the_source_framework(tmp_path, capsys):
    graph = tiny_resnet()
    graph.meta["source_layout"] = "NHWC"  # what the TF/Keras frontend records
    save_graph(graph, tmp_path / "m")
    x = np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
    np.save(tmp_path / "nhwc.npy", x.transpose(0, 2, 3, 1))
    np.save(tmp_path / "nchw.npy", x)
    base = ["run", "--graph", str(tmp_path / "m_graph.json"), "--output_npy"]
    assert main(base + [str(tmp_path / "a.npy"), "--input_npy", str(tmp_path / "nhwc.npy")]) == 0
    assert "read as NHWC [1, 32, 32, 3], transposed to the IR's NCHW" in capsys.readouterr().out
    assert main(base + [str(tmp_path / "b.npy"), "--input_npy", str(tmp_path / "nchw.npy"), "--layout", "NCHW"]) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), run(graph, x)["prob"])
    np.testing.assert_array_equal(np.load(tmp_path / "b.npy"), np.load(tmp_path / "a.npy"))
    assert main(base + [str(tmp_path / "c.npy"), "--input_npy", str(tmp_path / "nchw.npy")]) == 2
    assert "graph expects [1, 32, 32, 3] (NHWC)" in capsys.readouterr().err


def test_converted_input_dtype_is_said(tmp_path, capsys):
    save_graph(tiny_resnet(), tmp_path / "m")
    np.save(tmp_path / "x.npy", np.zeros((1, 3, 32, 32), np.int32))
    assert main(["run", "--graph", str(tmp_path / "m_graph.json"), "--input_npy", str(tmp_path / "x.npy")]) == 0
    assert "holds int32; converted to float32" in capsys.readouterr().out


def test_dynamic_batch_defaults_to_one_with_a_note(tmp_path, capsys):
    import onnx
    path = tmp_path / "tiny.onnx"
    onnx_model(path)
    model = onnx.load(str(path))
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    onnx.save(model, str(path))
    assert main(["compile", "onnx", str(path), "-o", str(tmp_path / "ir"), "--no-png"]) == 0
    assert "note: input 'x' has a dynamic batch dim (N): using 1; pass --input-shape x=1,3,32,32 for another" \
        in capsys.readouterr().out


def test_messages_point_at_the_truth(tmp_path, capsys):
    onnx_model(tmp_path / "model.onnx")
    assert main(["info", str(tmp_path / "model.onnx")]) == 2
    assert "model.onnx: is a model file (ONNX), not a frontc IR graph (compile it first" in capsys.readouterr().err
    save_graph(tiny_resnet(), tmp_path / "m")
    (tmp_path / "m_graph.json").rename(tmp_path / "plain.json")
    (tmp_path / "m_params.npz").rename(tmp_path / "plain_params.npz")
    assert main(["info", str(tmp_path / "plain.json")]) == 0
    (tmp_path / "random.npz").write_bytes(np.random.default_rng(0).bytes(400))
    assert main(["info", str(tmp_path / "plain.json"), "--params", str(tmp_path / "random.npz")]) == 2
    assert "not a valid NPZ file (no zip header)" in capsys.readouterr().err
    assert for_cli("pass module=<the nn.Module> with it") == "pass --module package.module:Class with it"


def test_every_unsupported_torch_op_in_one_error():
    class Two(torch.nn.Module):
        def forward(self, x):
            return torch.linalg.inv(x) + torch.special.erfcx(x)
    with pytest.raises(UnsupportedOpError) as caught:
        frontc.load(Two(), "torch", input_shapes={"x": (3, 3)})
    assert "inv" in str(caught.value) and "erfcx" in str(caught.value)


def test_checklist_reference_of_a_model_file_is_the_source_framework(tmp_path):
    onnx_model(tmp_path / "model.onnx")
    source = resolve(str(tmp_path / "model.onnx"))
    assert source.reference_from == "onnx (the source framework, on the model file)"
    import onnxruntime
    session = onnxruntime.InferenceSession(str(tmp_path / "model.onnx"))
    expected = session.run(None, {"x": source.feeds[source.graph.inputs[0].name]})[0]
    np.testing.assert_array_equal(source.reference, expected)


def test_a_keras_config_takes_its_own_nhwc_arrays(tmp_path):
    from frontc.catalog import keras_cases
    model = keras_cases.small_cnn()
    model.save(tmp_path / "cnn.keras")
    x = np.random.default_rng(0).uniform(-1, 1, (1, *model.input_shape[1:])).astype(np.float32)  # NHWC
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", np.asarray(model(x)))
    (tmp_path / "c.yml").write_text("MODEL:\n  framework: keras\n  path: cnn.keras\n"
                                    "EVALUATION:\n  input_npy: x.npy\n  result_npy: y.npy\n")
    source = resolve(str(tmp_path / "c.yml"))
    np.testing.assert_array_equal(source.feeds[source.graph.inputs[0].name], x.transpose(0, 3, 1, 2))
    output = run(source.graph, source.feeds)[source.graph.outputs[0]]
    np.testing.assert_allclose(output, source.reference, rtol=1e-5, atol=1e-5)
