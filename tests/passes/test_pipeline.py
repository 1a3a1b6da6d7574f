import pytest

from frontc.ir.errors import OptionError
from frontc.ir.serialize import graph_to_json
from frontc.passes import run_pipeline
from frontc.passes.fusion import FuseActivation
from tests.passes.util import assert_same, ops

STANDALONE = set(FuseActivation.ops) | {"BatchNorm", "Identity", "Dropout"}


def test_reconstruct_keeps_batchnorm_and_params(graph):
    after, report = run_pipeline(graph, "reconstruct", debug=True)
    assert ops(after).count("BatchNorm") == 4 and set(after.params) == set(graph.params)
    assert_same(graph, after)
    assert report.rounds == 1


def test_cmodel_fuses_everything_fusable(graph):
    after, report = run_pipeline(graph, "cmodel", debug=True)
    assert_same(graph, after)
    assert not STANDALONE & set(ops(after))
    assert ops(after) == ["Conv", "MaxPool", "Conv", "Conv", "Conv", "GlobalAvgPool", "Flatten", "Dense",
                          "Softmax"]
    residual = after.node("block.conv2")
    assert residual.inputs[3] == "stem.pool" and residual.attrs["activation"] == "Relu"
    assert [f["op"] for f in residual.meta["fused"]] == ["BatchNorm", "Add", "Relu"]
    assert report.totals()["fold_batchnorm"] == 4 and "fold_batchnorm" in report.table()


def test_pipelines_are_deterministic_and_leave_the_input_alone(graph):
    before = graph_to_json(graph, {})
    first, _ = run_pipeline(graph, "cmodel")
    second, _ = run_pipeline(graph, "cmodel")
    assert graph_to_json(first, {}) == graph_to_json(second, {})
    assert graph_to_json(graph, {}) == before


def test_unknown_pipeline(graph):
    with pytest.raises(OptionError, match="unknown flow 'fast'"):
        run_pipeline(graph, "fast")
