"""The real ImageNet architectures shipped in the onnx wheel, with seeded random weights,
converted and run in the IR interpreter, compared with onnxruntime."""
from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import helper

import frontc
from frontc.analysis.distance import distance
from frontc.catalog.onnx_cases import FAST_MODELS, LIGHT_MODELS, light_case, onnxruntime_outputs

MODELS = [pytest.param(name, marks=() if name in FAST_MODELS else pytest.mark.slow)
          for name in LIGHT_MODELS]


@pytest.mark.parametrize("name", MODELS)
def test_light_model_matches_onnxruntime(name: str) -> None:
    case = light_case(name)
    graph = frontc.load(case.source, "onnx", input_shapes=case.input_shapes)
    outputs = frontc.run(graph, case.feeds)
    for out, ref in zip(graph.outputs, case.reference):
        d = distance(outputs[out].reshape(len(ref), -1), ref.reshape(len(ref), -1), classifier=True)
        print(f"{case.model}: {d}")
        assert d.max_abs <= 1e-5 * d.max_ref and d.top1 == 1.0, str(d)


def test_squeezenet_every_layer_matches_onnxruntime() -> None:
    """Each ONNX tensor, mapped through meta['source_tensors'], equals onnxruntime's value."""
    case = light_case("squeezenet")
    graph = frontc.load(case.source, "onnx")
    trace = frontc.run(graph, case.feeds, trace=True)
    mapping = graph.meta["source_tensors"]
    names = [t for t in mapping if t not in case.feeds]
    assert len(names) == len(case.source.graph.node)  # one IR tensor per ONNX node output
    probe = onnx.ModelProto.FromString(case.source.SerializeToString())
    del probe.graph.output[:]
    probe.graph.output.extend(helper.make_empty_tensor_value_info(t) for t in names)
    for name, ref in zip(names, onnxruntime_outputs(probe, case.feeds)):
        diff = np.abs(trace[mapping[name]] - ref).max()
        assert diff <= 1e-5 * np.abs(ref).max(), f"{name} -> {mapping[name]}: {diff:.3g}"
