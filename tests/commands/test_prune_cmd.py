"""frontc prune: channels removed from an IR file, the interpreter's oracle, and one-line errors (exit 2)."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.analysis.complexity import complexity
from frontc.cli import main
from frontc.ir import save_graph
from frontc.passes import run_pipeline
from frontc.testing.graphs import tiny_resnet


def test_prune_writes_a_smaller_ir(tmp_path, capsys) -> None:
    graph, _ = run_pipeline(tiny_resnet(), "reconstruct")
    save_graph(graph, tmp_path / "r")
    assert main(["prune", "--graph", str(tmp_path / "r_graph.json"), "--ratio", "0.5", "-o", str(tmp_path / "p")]) == 0
    pruned = frontc.load_graph(tmp_path / "p_graph.json")
    assert complexity(pruned).macs < complexity(graph).macs
    assert sum(v.size for v in pruned.params.values()) < sum(v.size for v in graph.params.values())
    assert "MACs" in capsys.readouterr().out
    x = np.random.default_rng(0).normal(size=graph.inputs[0].shape).astype(np.float32)
    (out,) = frontc.run(pruned, {graph.inputs[0].name: x}).values()
    assert out.shape == next(iter(frontc.run(graph, {graph.inputs[0].name: x}).values())).shape


@pytest.mark.parametrize("extra, message", [
    (["--ratio", "1.5"], "argument --ratio: '1.5' must be in [0, 1)"),
    (["--ratio", "x"], "'x' is not a number"),
    ([], "give one of --ratio R or --zero-channels"),
    (["--ratio", "0.5", "--zero-channels"], "give one of --ratio R or --zero-channels"),
])
def test_errors_exit_2_in_one_line(tmp_path, capsys, extra, message: str) -> None:
    save_graph(run_pipeline(tiny_resnet(), "reconstruct")[0], tmp_path / "r")
    try:
        code = main(["prune", "--graph", str(tmp_path / "r_graph.json"), "-o", str(tmp_path / "p"), *extra])
    except SystemExit as exc:   # argparse rejects the option
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "p_graph.json").exists()
