"""Every runtime runs a graph with two inputs (NCHW image, vector) and two outputs, mapping them by IR
name: against the interpreter at float32 tolerance."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.frontends.builder import GraphBuilder
from frontc.interpreter import run
from frontc.runtimes import RUNTIMES, prepare


@pytest.fixture(scope="module")
def two_io():
    rng = np.random.default_rng(0)
    b = GraphBuilder("two_io", "test")
    image, vector = b.input("image", [1, 3, 8, 8]), b.input("vector", [1, 4])
    conv = b.add1("Conv", [image, b.param("w", rng.standard_normal((5, 3, 3, 3)).astype(np.float32))],
                  {"pads": [1, 1, 1, 1]}, name="conv")
    pooled = b.add1("Flatten", [b.add1("GlobalAvgPool", [conv], name="gap")], name="pooled")
    relu = b.add1("Relu", [vector], name="relu")
    graph = b.finish([relu, pooled])  # the vector's output first: outputs are not in input order
    feeds = {"image": rng.standard_normal((1, 3, 8, 8)).astype(np.float32),
             "vector": rng.standard_normal((1, 4)).astype(np.float32)}
    return graph, feeds


@pytest.mark.parametrize("runtime", [r for r in RUNTIMES if r != "interpreter"])
def test_two_inputs_and_two_outputs_map_by_name(two_io, runtime):
    graph, feeds = two_io
    got, want = prepare(runtime, graph)(feeds), run(graph, feeds)
    assert set(got) == set(graph.outputs)
    for name in graph.outputs:
        assert got[name].shape == want[name].shape, name
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-5 * np.abs(want[name]).max())
