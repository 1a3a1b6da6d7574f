"""Whole networks against PyTorch: the cases of frontc.catalog.torch_cases (big ones slow),
and the traceability of IR names to module paths and state_dict keys."""
from __future__ import annotations

import pytest

import frontc
from frontc.catalog.torch_cases import cases
from tests.frontends.torch.helpers import assert_close

CASE_PARAMS = [pytest.param(name, marks=[pytest.mark.slow] if factory.slow else [])
               for name, factory in cases().items()]


@pytest.mark.parametrize("name", CASE_PARAMS)
def test_case_matches_pytorch(name: str) -> None:
    case = cases()[name]()
    graph = frontc.load(case.source, "torch", input_shapes=case.input_shapes, **case.options)
    outputs = frontc.run(graph, case.feeds)
    for actual, reference in zip(outputs.values(), case.reference):
        error = assert_close(actual, reference)
        assert (actual.argmax(-1) == reference.argmax(-1)).all()
        print(f"{name}: max|IR - torch| / max|torch| = {error:.2e}")


@pytest.fixture(scope="module")
def resnet18_graph():
    case = cases()["resnet18_64"]()
    return case, frontc.load(case.source, "torch", input_shapes=case.input_shapes)


def test_names_follow_module_paths(resnet18_graph) -> None:
    case, graph = resnet18_graph
    conv = graph.node("layer1.0.conv1")
    assert conv.op == "Conv" and conv.meta["source"] == "layer1.0.conv1"
    assert conv.inputs[1] == "layer1.0.conv1.weight"
    assert graph.node("layer2.0.downsample.1").op == "BatchNorm"
    assert graph.node("layer1.0/add").meta["source"] == "layer1.0"
    assert graph.meta["source_names"]["fc"] == "fc"
    assert graph.meta["framework"] == "torch"


def test_params_are_the_state_dict(resnet18_graph) -> None:
    case, graph = resnet18_graph
    state = {k: v.numpy() for k, v in case.source.state_dict().items() if not k.endswith("num_batches_tracked")}
    assert set(graph.params) == set(state)
    for key, value in state.items():
        assert (graph.params[key] == value).all(), key


def test_batchnorm_is_kept_for_the_passes(resnet18_graph) -> None:
    _, graph = resnet18_graph
    counts = {op: sum(n.op == op for n in graph.nodes) for op in ("Conv", "BatchNorm", "Dense", "Add")}
    assert counts == {"Conv": 20, "BatchNorm": 20, "Dense": 1, "Add": 8}
