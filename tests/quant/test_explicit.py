"""The explicit float form of a quantized graph, and the frozen TensorFlow .pb made from it."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.interpreter import run
from frontc.passes import run_pipeline
from frontc.quant import quantize_graph
from frontc.quant.explicit import explicit_graph, save_quantized_pb
from frontc.testing.graphs import quant_ops_net, tiny_resnet
from tests.quant.helpers import minmax_table, random_inputs


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
def test_frozen_pb_reproduces_fake_quant(tmp_path, strategy: str) -> None:
    import tensorflow as tf
    graph = run_pipeline(tiny_resnet(), "cmodel")[0]
    graph.outputs = [graph.node("fc").outputs[0]]  # logits: the relative check is not squashed by softmax
    graph.nodes = graph.nodes[:-1]
    graph.invalidate()
    inputs = random_inputs(graph, 6)
    table = minmax_table(graph, inputs[:4])
    q = quantize_graph(graph, table, strategy, weight_quan="perchannel")
    frozen = save_quantized_pb(q, tmp_path / "q.pb")
    graph_def = tf.compat.v1.GraphDef.FromString(frozen.path.read_bytes())
    fn = tf.compat.v1.wrap_function(lambda: tf.graph_util.import_graph_def(graph_def, name=""), [])
    run_pb = fn.prune(frozen.inputs, frozen.outputs)
    fake = quantize_graph(graph, table, strategy.removesuffix("_t"), weight_quan="perchannel")
    for x in inputs[4:]:
        ours = run(fake, x)["fc"]
        theirs = run_pb(tf.constant(x))[0].numpy()
        assert np.linalg.norm(theirs - ours) <= 1e-5 * np.linalg.norm(ours)
