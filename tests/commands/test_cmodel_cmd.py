"""frontc cmodel emit/build/run: outputs byte-identical to frontc run on the same quantized IR; errors."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.cli import main
from frontc.ir import save_graph
from frontc.testing.graphs import cmodel_ops_net
from tests.cmodel.helpers import quantized
from tests.quant.helpers import random_inputs


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cm")
    graph = cmodel_ops_net()
    inputs = random_inputs(graph, 7)
    save_graph(quantized(graph, inputs[:4]), folder / "q")
    save_graph(quantized(graph, inputs[:4], "symmetry_max"), folder / "fake")
    save_graph(graph, folder / "float")
    np.save(folder / "x.npy", inputs[4])
    np.save(folder / "x3.npy", np.concatenate(inputs[4:]))
    return folder


def test_emit_build_run_equal_frontc_run_byte_for_byte(saved, tmp_path, capsys) -> None:
    q, x = str(saved / "q_graph.json"), str(saved / "x.npy")
    assert main(["cmodel", "emit", "--graph", q, "-o", str(tmp_path / "cm")]) == 0
    assert "% saved" in capsys.readouterr().out
    assert main(["cmodel", "build", str(tmp_path / "cm"), "--opt", "O2"]) == 0
    assert main(["cmodel", "run", str(tmp_path / "cm"), "--input_npy", x, "--output_npy", str(tmp_path / "c.npy"),
                 "--trace", str(tmp_path / "c.npz")]) == 0
    assert main(["run", "--graph", q, "--input_npy", x, "--output_npy", str(tmp_path / "py.npy"),
                 "--trace", str(tmp_path / "py.npz")]) == 0
    assert (tmp_path / "c.npy").read_bytes() == (tmp_path / "py.npy").read_bytes()
    with np.load(tmp_path / "c.npz") as c, np.load(tmp_path / "py.npz") as py:
        assert sorted(c.files) == sorted(py.files) and len(c.files) == 28
        for name in py.files:
            assert c[name].dtype == py[name].dtype and np.array_equal(c[name], py[name]), name
    assert main(["cmodel", "run", str(tmp_path / "cm"), "--input_npy", str(saved / "x3.npy"),
                 "--output_npy", str(tmp_path / "c3.npy")]) == 0
    assert np.load(tmp_path / "c3.npy").shape == (6, 6)


@pytest.mark.parametrize("args,message", [
    (["emit", "--graph", "{d}/float_graph.json", "-o", "{t}/a"], "is a float IR"),
    (["emit", "--graph", "{d}/fake_graph.json", "-o", "{t}/a"], "(fake quantization)"),
    (["build", "{t}"], "holds no emitted C model"),
    (["run", "{t}", "--input_npy", "{d}/x.npy"], "not an emitted C model"),
])
def test_errors_are_one_line_with_status_2(saved, tmp_path, capsys, args, message) -> None:
    argv = ["cmodel", *(a.format(d=saved, t=tmp_path) for a in args)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err


def test_no_c_compiler_is_one_line(saved, tmp_path, capsys, monkeypatch) -> None:
    assert main(["cmodel", "emit", "--graph", str(saved / "q_graph.json"), "-o", str(tmp_path / "cm")]) == 0
    monkeypatch.setenv("CC", "no-such-cc")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["cmodel", "build", str(tmp_path / "cm")]) == 2
    err = capsys.readouterr().err.strip()
    assert "no C compiler found" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "cm" / "libcmodel.so").exists()
