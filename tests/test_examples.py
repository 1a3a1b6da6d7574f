"""The checklist's example scripts run with the checklist's command lines."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper
import pytest

from frontc.catalog.onnx_cases import light_case

ROOT = Path(__file__).resolve().parent.parent


def script(name, *args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "examples" / name), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    work = tmp_path_factory.mktemp("work")
    case = light_case("squeezenet")
    onnx.save(case.source, str(work / "squeezenet.onnx"))
    np.save(work / "input.npy", case.feeds["data_0"])
    np.save(work / "result.npy", case.reference[0])
    done = script("test_compiler.py", "onnx", "squeezenet.onnx", cwd=work)
    assert done.returncode == 0, done.stderr
    return work


def test_compiler_writes_moffett_ir(compiled):
    assert (compiled / "moffett_ir" / "IR_fused_for_CModel_graph.png").exists()


def test_model_complexity_prints_the_checklist_line(compiled):
    model = onnx.load(str(compiled / "squeezenet.onnx"))
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    nnz = sum(int(np.count_nonzero(weights[n.input[1]])) for n in model.graph.node if n.op_type == "Conv")
    done = script("test_model_complexity.py", "--graph-json", "moffett_ir/IR_for_reconstruct_graph.json",
                  "--params-file", "moffett_ir/IR_for_reconstruct_params.npz", cwd=compiled)
    assert done.returncode == 0 and done.stdout.startswith(f"nnz: {nnz}, sparsity: 0.0, dense_flops: ")


@pytest.mark.parametrize("name, extra", [("test_pytorch_reconstructor.py", []),
                                         ("test_tensorflow_reconstructor.py", ["--save_path", "tf_reconstruct.pb"]),
                                         pytest.param("test_tvm_reconstructor.py", [], marks=pytest.mark.slow)])
def test_reconstructors_pass_against_the_onnxruntime_result(compiled, name, extra):
    done = script(name, "--graph", "moffett_ir/IR_for_reconstruct_graph.json",
                  "--params", "moffett_ir/IR_for_reconstruct_params.npz", "--input_npy", "input.npy",
                  "--result_npy", "result.npy", *extra, cwd=compiled)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout
    if extra:
        assert (compiled / "tf_reconstruct.pb").stat().st_size > 1_000_000


def test_ir_basics(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "ir_basics.py"), str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "block.add  (1, 16, 8, 8)" in done.stdout


def test_gluoncv_round_trip_on_the_tiny_detector(tmp_path):
    """The detection example on its fast model: every output of every runtime within 1e-5 of MXNet's,
    class ids equal; a second run into the same folder needs --force."""
    done = script("test_gluoncv_centernet_rt.py", "--models", "tiny_detector", "--out", "rt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines() if line.startswith("tiny_detector")]
    assert [line[1] for line in lines] == ["IR", "fused", "torch", "tf"] and all(line[-6] == "exact" for line in lines)
    again = script("test_gluoncv_centernet_rt.py", "--models", "tiny_detector", "--out", "rt", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr


@pytest.mark.slow
def test_gluoncv_round_trip_on_centernet_yolo3_and_ssd(tmp_path):
    """The detection example on its three gluoncv models (heads included): exit status 0 means every
    output of the IR, the fused IR, PyTorch and TensorFlow is within 1e-5 of MXNet's, class ids equal."""
    done = script("test_gluoncv_centernet_rt.py", "--out", "rt", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {tuple(line.split()[:2]) for line in done.stdout.splitlines() if "_voc" in line}
    assert len(rows) == 12
