"""Both pipelines on real networks: the interpreter's output on each compiled IR equals the source
framework's own output (the Case's reference) at max|diff| <= 1e-5 x max|ref|, with identical top-1."""
import pytest

import frontc
from frontc.analysis.distance import distance
from frontc.catalog.registry import all_cases
from frontc.compiler import compile_graph
from frontc.passes.fusion import FuseActivation

RTOL = 1e-5
FRAMEWORKS = ["mxnet", "torch", "tf", "onnx"]
CASES = {(framework, name): factory for framework, name, factory in all_cases(FRAMEWORKS)}


def _params():
    for (framework, name), factory in CASES.items():
        yield pytest.param(framework, name, marks=[pytest.mark.slow] if factory.slow else [],
                           id=f"{framework}-{name}")


def unfused_activations(graph):
    """Standalone activations whose producer is a Conv/ConvTranspose/Dense they could fuse into."""
    found = []
    for node in graph.nodes:
        if node.op in FuseActivation.ops:
            producer = graph.producer(node.inputs[0])
            if producer is not None and producer.op in ("Conv", "ConvTranspose", "Dense") \
                    and len(graph.consumers(producer.outputs[0])) == 1:
                found.append(node.name)
    return found


@pytest.mark.parametrize("framework, name", list(_params()))
def test_compiled_irs_match_the_source_framework(framework, name):
    case = CASES[framework, name]()
    graph = frontc.load(case.source, framework, input_shapes=case.input_shapes, **case.options)
    result = compile_graph(graph, debug=True)
    for ir in (result.reconstruct, result.cmodel):
        outputs = frontc.run(ir, case.feeds)
        for tensor, reference in zip(ir.outputs, case.reference):
            d = distance(outputs[tensor], reference)
            assert d.within(RTOL), f"{ir.name} {tensor}: {d}"
    fused_ops = {n.op for n in result.cmodel.nodes}
    assert not fused_ops & {"BatchNorm", "Identity", "Dropout"}
    assert unfused_activations(result.cmodel) == []
    assert len(result.cmodel.nodes) <= len(result.reconstruct.nodes)
