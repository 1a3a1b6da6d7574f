"""A quantized IR is an ordinary IR pair: info, viz, run, complexity and reconstruct accept it."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.cli import main
from frontc.interpreter import run
from frontc.ir import save_graph
from frontc.passes import run_pipeline
from frontc.quant import quantize_graph
from frontc.testing.graphs import tiny_resnet
from tests.quant.helpers import minmax_table, random_inputs


@pytest.fixture(scope="module")
def quantized():
    graph = run_pipeline(tiny_resnet(), "cmodel")[0]
    inputs = random_inputs(graph, 3)
    table = minmax_table(graph, inputs[:2])
    return {s: quantize_graph(graph, table, s, weight_quan="perchannel") for s in ("symmetry_max", "symmetry_max_t")}, \
        inputs[2]


@pytest.mark.parametrize("strategy", ["symmetry_max", "symmetry_max_t"])
def test_commands_accept_a_quantized_ir(tmp_path, capsys, quantized, strategy: str) -> None:
    graphs, x = quantized
    q = graphs[strategy]
    json_path, _ = save_graph(q, tmp_path / "q")
    assert main(["info", str(json_path)]) == 0
    out = capsys.readouterr().out
    assert f"quantized: {strategy} perchannel W8A8 {'integer' if strategy.endswith('_t') else 'fake-quant'}" in out
    assert main(["viz", str(json_path), "-o", str(tmp_path / "q.dot")]) == 0
    dot = (tmp_path / "q.dot").read_text()
    assert "i8 s=" in dot and "wi8 /ch" in dot
    np.save(tmp_path / "x.npy", x)
    assert main(["run", "--graph", str(json_path), "--input_npy", str(tmp_path / "x.npy"),
                 "--output_npy", str(tmp_path / "y.npy")]) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), run(q, x)["prob"])
    assert main(["complexity", "--graph-json", str(json_path)]) == 0
