"""The CLI: each verb on a real saved graph, and one-line errors with exit status 2."""
import subprocess
import sys

import numpy as np
import pytest

from frontc.cli import main
from frontc.interpreter import run
from frontc.ir import save_graph


@pytest.fixture
def saved(graph, tmp_path):
    return save_graph(graph, tmp_path / "m")


def test_info(graph, saved, capsys):
    assert main(["info", str(saved[0])]) == 0
    out = capsys.readouterr().out
    values = sum(v.size for v in graph.params.values())
    convs = sum(n.op == "Conv" for n in graph.nodes)
    assert f"{len(graph.nodes)} nodes, {len(graph.params)} params, {values:,} values" in out
    assert f"Conv          {convs}" in out


def test_viz_png_and_svg(saved, tmp_path):
    for suffix in ("png", "svg"):
        assert main(["viz", str(saved[0]), "-o", str(tmp_path / f"g.{suffix}")]) == 0
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "block.conv1" in (tmp_path / "g.svg").read_text()


def test_run_matches_the_library(graph, saved, tmp_path, image):
    np.save(tmp_path / "x.npy", image)
    assert main(["run", "--graph", str(saved[0]), "--input_npy", str(tmp_path / "x.npy"),
                 "--output_npy", str(tmp_path / "y.npy"), "--trace", str(tmp_path / "t.npz")]) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), run(graph, image)["prob"])
    with np.load(tmp_path / "t.npz") as trace:
        assert "block.add" in trace.files and trace["block.add"].shape == (1, 16, 8, 8)


def test_run_with_named_inputs(saved, tmp_path, image):
    np.save(tmp_path / "x.npy", image)
    assert main(["run", "--graph", str(saved[0]), "--input_npy", f"data={tmp_path / 'x.npy'}",
                 "--output_npy", f"prob={tmp_path / 'y.npy'}"]) == 0
    assert np.load(tmp_path / "y.npy").shape == (1, 10)


@pytest.mark.parametrize("make_args, message", [
    (lambda p: ["info", str(p / "missing_graph.json")], "missing_graph.json: file not found"),
    (lambda p: ["run", "--graph", str(p / "m_graph.json"), "--input_npy", str(p / "nope.npy")],
     "nope.npy: file not found"),
    (lambda p: ["run", "--graph", str(p / "m_graph.json"), "--input_npy", str(p / "bad.npy")],
     "bad.npy: has shape [2, 2]; the graph expects [1, 3, 32, 32] (NCHW)"),
    (lambda p: ["run", "--graph", str(p / "m_graph.json"), "--input_npy", f"nothere={p / 'bad.npy'}"],
     "'nothere' is not one of ['data']"),
    (lambda p: ["viz", str(p / "m_graph.json"), "-o", str(p / "g.bmp")], "cannot render"),
])
def test_errors_are_one_line_with_status_2(saved, tmp_path, capsys, make_args, message):
    np.save(tmp_path / "bad.npy", np.zeros((2, 2), np.float32))
    assert main(make_args(tmp_path)) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_pickled_npy_input_is_refused(saved, tmp_path, capsys):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert main(["run", "--graph", str(saved[0]), "--input_npy", str(tmp_path / "obj.npy")]) == 2
    assert "holds object (pickled) arrays, which are never loaded" in capsys.readouterr().err


def test_help_does_not_import_frameworks():
    code = ("import sys; from frontc.cli import build_parser; build_parser(); import frontc; "
            "print(sorted(m for m in ('torch', 'tensorflow', 'mxnet', 'onnx', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_console_script_exit_status(tmp_path):
    done = subprocess.run([sys.executable, "-m", "frontc.cli", "info", str(tmp_path / "x_graph.json")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("frontc info: error:")
