"""The explicit float form of a quantized graph, and the frozen TensorFlow .pb made from it."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.interpreter import run
from frontc.passes import run_pipeline
from frontc.quant import quantize_graph
from frontc.quant.explicit import explicit_graph, save_quantized_pb
from frontc.testing.graphs import quant_ops_net, tiny_resnet
from tests.quant.helpers import minmax_table, random_inputs, run_frozen


@pytest.mark.parametrize("strategy", ["minmax", "scale_shift", "symmetry_max", "symmetry_max_t", "scale_shift_t"])
def test_explicit_graph_is_bit_identical_to_fake_quant(strategy: str) -> None:
    graph = quant_ops_net()
    inputs = random_inputs(graph, 5)
    table = minmax_table(graph, inputs[:4])
    q = quantize_graph(graph, table, strategy, weight_quan="perchannel")
    plain = explicit_graph(q)
    assert "quant" not in plain.meta and not any("quant" in n.meta for n in plain.nodes)
    assert all(v.dtype == np.float32 for v in plain.params.values())
    fake = quantize_graph(graph, table, strategy.removesuffix("_t"), weight_quan="perchannel")
    want = run(fake, inputs[4], trace=True)
    got = run(plain, inputs[4], trace=True)
    for node in fake.nodes:
        np.testing.assert_array_equal(got[node.outputs[0]], want[node.outputs[0]], err_msg=node.name)


@pytest.mark.parametrize("strategy", ["minmax", "symmetry_max_t"])
def test_frozen_pb_reproduces_fake_quant_bit_for_bit(tmp_path, strategy: str) -> None:
    graph = run_pipeline(tiny_resnet(), "cmodel")[0]
    inputs = random_inputs(graph, 6)
    table = minmax_table(graph, inputs[:4])
    frozen = save_quantized_pb(quantize_graph(graph, table, strategy, weight_quan="perchannel"), tmp_path / "q.pb")
    fake = quantize_graph(graph, table, strategy.removesuffix("_t"), weight_quan="perchannel")
    for x in inputs[4:]:
        np.testing.assert_array_equal(run_frozen(frozen, x, constant_folding=False), run(fake, x)["prob"])
