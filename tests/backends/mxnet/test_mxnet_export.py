"""IR -> MXNet: the .params file written with numpy alone reads back in mxnet bit for bit, the
symbol keeps the IR's names, every op family runs in mxnet as the interpreter does (1e-5 x
max|ref|), unsupported ops are listed at once, and existing files are kept without force."""
from __future__ import annotations

import json

import numpy as np
import pytest

import frontc
from frontc.analysis.distance import distance
from frontc.backends.mxnet import run_mxnet, save_mxnet, to_mxnet
from frontc.backends.mxnet.params import params_bytes
from frontc.compat.mxnet_env import import_mxnet
from frontc.frontends.mxnet.params import read_params
from frontc.ir.errors import FrontcError, UnsupportedOpError
from frontc.ir.graph import Graph, Node, TensorSpec
from tests.backends.single_ops import CASES, SEQUENCE_OPS, single_op_graph

RTOL = 1e-5


def test_params_file_reads_back_exactly_in_mxnet(tmp_path):
    mx = import_mxnet()
    rng = np.random.default_rng(0)
    arrays = {"arg:w": rng.standard_normal((3, 4, 2)).astype(np.float32), "aux:m": np.arange(5, dtype=np.int64),
              "arg:s": np.float32(2.5).reshape(1), "arg:h": rng.standard_normal(3).astype(np.float16)}
    path = tmp_path / "m-0000.params"
    path.write_bytes(params_bytes(arrays))
    loaded = mx.nd.load(str(path))
    assert list(loaded) == list(arrays)
    for name, value in arrays.items():
        got = loaded[name].asnumpy()
        assert got.dtype == value.dtype and np.array_equal(got, value), name
    mx.nd.save(str(tmp_path / "ref.params"), {k: mx.nd.array(v, dtype=v.dtype) for k, v in arrays.items()})
    assert {k: v.tolist() for k, v in read_params(path).items()} == \
        {k: v.tolist() for k, v in read_params(tmp_path / "ref.params").items()}


@pytest.mark.parametrize("case", list(CASES))
def test_single_op_matches_the_interpreter(case):
    graph, feeds = single_op_graph(case)
    expected = frontc.run(graph, feeds)["y"]
    actual = run_mxnet(graph, feeds)["y"]
    assert actual.shape == expected.shape
    d = distance(actual, expected, classifier=False)
    assert d.max_abs <= RTOL * d.max_ref, f"{case}: {d}"


# the sequence ops MXNet has no op for, and the forms its fused RNN cannot take (a bool graph output:
# MXNet has no bool tensors)
NOT_IN_MXNET = {"gru_reverse": "linear_before_reset=0", "rnn_relu_lengths": "sequence_lens",
                "equal": "a bool graph output", "einsum": "no emitter for Einsum",
                "cum_sum_reverse": "no emitter for CumSum"}


@pytest.mark.parametrize("case", [c for c in SEQUENCE_OPS if c not in NOT_IN_MXNET])
def test_sequence_op_matches_the_interpreter(case):
    """LSTM/GRU/RNN (every output), norms, Gelu, Attention, MatMul, Gather, Where, TopK... in mxnet."""
    graph, feeds = single_op_graph(case)
    expected = frontc.run(graph, feeds)
    actual = run_mxnet(graph, feeds)
    for name in graph.outputs:
        assert actual[name].shape == expected[name].shape and actual[name].dtype == expected[name].dtype, name
        d = distance(actual[name], expected[name], classifier=False)
        assert d.max_abs <= RTOL * d.max_ref, f"{case} {name}: {d}"


@pytest.mark.parametrize("case", sorted(NOT_IN_MXNET))
def test_sequence_forms_mxnet_lacks_are_refused(case):
    graph, _ = single_op_graph(case)
    with pytest.raises(UnsupportedOpError, match=NOT_IN_MXNET[case]):
        to_mxnet(graph)


def test_symbol_keeps_ir_names_and_runs(graph, image):
    symbol, _ = to_mxnet(graph)
    names = {n["name"] for n in json.loads(symbol)["nodes"]}
    assert {t for n in graph.nodes for t in n.outputs} <= names
    assert set(graph.params) <= names
    feeds = {graph.input_names[0]: image}
    out = graph.outputs[0]
    d = distance(run_mxnet(graph, feeds)[out], frontc.run(graph, feeds)[out])
    assert d.within(RTOL), str(d)


def test_unsupported_ops_are_listed_at_once():
    nodes = [Node("a", "Shape", ["x"], ["s"]), Node("b", "CumSum", ["s"], ["y"], {"axis": 0})]
    with pytest.raises(UnsupportedOpError, match=r"CumSum x1 \(b\); Shape x1 \(a\)"):
        to_mxnet(Graph("g", nodes, [TensorSpec("x", (1, 2))], ["y"]))


def test_save_refuses_to_replace_without_force(graph, tmp_path):
    paths = save_mxnet(graph, tmp_path / "model")
    assert [p.name for p in paths] == ["model-symbol.json", "model-0000.params"]
    before = paths[1].read_bytes()
    with pytest.raises(FrontcError, match="exists"):
        save_mxnet(graph, tmp_path / "model")
    assert paths[1].read_bytes() == before
    save_mxnet(graph, tmp_path / "model", force=True)
