"""Integer inputs on the command line: the BERT-tiny ONNX export (int64 token ids) through compile
(--input-dtype checked against the model's declaration), run, complexity, both reconstructors and diff
against the source framework, all fed an int64 .npy."""
import numpy as np
import onnx
import pytest

from frontc.catalog.onnx_cases import torch_export_case
from frontc.cli import main


@pytest.fixture(scope="module")
def bert(tmp_path_factory):
    case = torch_export_case("bert_tiny")
    out = tmp_path_factory.mktemp("bert")
    onnx.save(case.source, str(out / "bert.onnx"))
    np.save(out / "ids.npy", case.feeds["ids"])
    np.save(out / "result.npy", case.reference[0])
    assert main(["compile", "onnx", str(out / "bert.onnx"), "--input-dtype", "ids=int64", "-o", str(out / "ir"),
                 "--no-png"]) == 0
    return out


def test_a_dtype_the_model_does_not_declare_is_a_one_line_error(bert, capsys):
    assert main(["compile", "onnx", str(bert / "bert.onnx"), "--input-dtype", "ids=int32", "-o",
                 str(bert / "other")]) == 2
    err = capsys.readouterr().err
    assert "input_dtypes gives int32 for input 'ids', but the onnx model declares int64" in err
    assert err.count("\n") == 1
    assert main(["compile", "onnx", str(bert / "bert.onnx"), "--input-dtype", "ids=int7", "-o",
                 str(bert / "other")]) == 2
    assert "unknown dtype 'int7'" in capsys.readouterr().err


def test_run_reconstruct_and_diff_take_integer_npy(bert, capsys):
    graph = str(bert / "ir" / "IR_fused_for_CModel_graph.json")
    assert main(["run", "--graph", graph, "--input_npy", str(bert / "ids.npy"), "--output_npy",
                 str(bert / "out.npy")]) == 0
    np.testing.assert_allclose(np.load(bert / "out.npy"), np.load(bert / "result.npy"), rtol=0, atol=1e-5)
    for target in ("torch", "tf"):
        assert main(["reconstruct", target, "--graph", graph, "--input_npy", str(bert / "ids.npy"),
                     "--result_npy", str(bert / "result.npy")]) == 0
        assert "PASS" in capsys.readouterr().out
    assert main(["diff", "--source", str(bert / "bert.onnx"), "--framework", "onnx", "--input-dtype", "ids=int64",
                 "--a", "source", "--b", "ir", "--input_npy", str(bert / "ids.npy")]) == 0
    assert "first layer with rel_max > 0.0001: none" in capsys.readouterr().out
    assert main(["complexity", "--graph-json", graph]) == 0
    assert "dense_flops:" in capsys.readouterr().out
