"""Named flows of registered passes, with options; meta surviving fusion; param dtypes kept."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.compiler import compile_graph, output_files
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph, Node, TensorSpec
from frontc.passes import Pass, flow_names, get_flow, register_flow, register_pass, run_pipeline
from frontc.passes.flows import pass_names
from frontc.testing.graphs import tiny_resnet


class _Tag(Pass):
    name = "test_tag"

    def __init__(self, label: str = "default") -> None:
        self.label = label

    def run(self, graph: Graph) -> int:
        todo = [n for n in graph.nodes if n.meta.get("tag") != self.label]
        for node in todo:
            node.meta["tag"] = self.label
        return len(todo)


register_pass("test_tag", _Tag)
register_flow("test_tagged", ["test_tag"], after="cmodel", ir_name="IR_tagged", options=["label"])


def test_builtin_flows_and_passes_are_registered() -> None:
    assert {"reconstruct", "cmodel"} <= set(flow_names())
    assert get_flow("cmodel").after == "reconstruct"
    assert set(get_flow("cmodel").passes) <= set(pass_names())


def test_a_registered_flow_runs_with_options_after_its_base() -> None:
    result = compile_graph(tiny_resnet(), flows=("test_tagged",), options={"test_tagged": {"label": "q"}})
    assert list(result.graphs) == ["IR_for_reconstruct", "IR_fused_for_CModel", "IR_tagged"]
    tagged = result.graphs["IR_tagged"]
    assert len(tagged.nodes) == len(result.cmodel.nodes)
    assert {n.meta["tag"] for n in tagged.nodes} == {"q"}
    assert "IR_tagged_params.npz" in output_files(("test_tagged",))


def test_unknown_flow_or_option_is_an_option_error() -> None:
    with pytest.raises(OptionError, match="unknown flow 'nope'"):
        run_pipeline(tiny_resnet(), "nope")
    with pytest.raises(OptionError, match="flow 'cmodel' has no option.*'label'"):
        run_pipeline(tiny_resnet(), "cmodel", options={"label": 1})


def test_fusion_keeps_the_absorbed_nodes_meta() -> None:
    graph = tiny_resnet()
    graph.node("stem.bn").meta["note"] = {"from": "bn"}
    graph.node("stem.relu").meta["note"] = {"act": "relu"}
    graph.node("stem.conv").meta["note"] = {"from": "conv", "kept": 1}
    fused, _ = run_pipeline(graph, "cmodel")
    conv = fused.node("stem.conv")
    assert [f["name"] for f in conv.meta["fused"]] == ["stem.bn", "stem.relu"]
    assert conv.meta["note"] == {"from": "bn", "kept": 1, "act": "relu"}


def test_folding_leaves_integer_weights_alone() -> None:
    w = np.arange(8, dtype=np.int8).reshape(2, 4)
    nodes = [Node("fc", "Dense", ["x", "w"], ["y"]), Node("scale", "Mul", ["y", "s"], ["z"])]
    graph = Graph("g", nodes, [TensorSpec("x", (1, 4), "int8")], ["z"],
                  {"w": w, "s": np.array([2, 3], np.int8)})
    out, _ = run_pipeline(graph, "cmodel")
    assert out.params["w"].dtype == np.int8 and [n.op for n in out.nodes] == ["Dense", "Mul"]
