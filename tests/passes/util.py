"""Helpers for pass tests: tiny graphs from a builder, and the before/after oracle."""
from __future__ import annotations

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.interpreter import run
from frontc.ir import Graph, lint

RTOL = 1e-5


class Net:
    """A GraphBuilder with a seeded generator and shortcuts for weights."""

    def __init__(self, shape=(1, 4, 8, 8), seed=0):
        self.rng = np.random.default_rng(seed)
        self.b = GraphBuilder("net", "test")
        self.x = self.b.input("x", shape)

    def w(self, *shape, name="w", low=None):
        value = self.rng.standard_normal(shape).astype(np.float32)
        if low is not None:
            value = self.rng.uniform(low, low + 1, shape).astype(np.float32)
        return self.b.param(name, value)

    def add(self, op, inputs, attrs=None, name=None):
        return self.b.add1(op, inputs, attrs, name=name or op.lower())

    def conv(self, x, cin, cout, k=3, bias=True, **attrs):
        attrs.setdefault("pads", [k // 2] * 4)
        inputs = [x, self.w(cout, cin // attrs.get("group", 1), k, k, name="conv.w")]
        if bias:
            inputs.append(self.w(cout, name="conv.b"))
        return self.add("Conv", inputs, attrs, name="conv")

    def bn(self, x, c, name="bn"):
        return self.add("BatchNorm", [x, self.w(c, name=f"{name}.s"), self.w(c, name=f"{name}.b"),
                                      self.w(c, name=f"{name}.m"), self.w(c, name=f"{name}.v", low=0.5)],
                        name=name)

    def finish(self, *outputs) -> Graph:
        return self.b.finish(list(outputs))


def feeds(graph: Graph, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {s.name: rng.uniform(-2, 2, s.shape).astype(s.dtype) for s in graph.inputs}


def apply(graph: Graph, p) -> tuple[Graph, int]:
    """Run pass ``p`` on a copy, lint the result, and check outputs equal the original's."""
    after = graph.copy()
    changes = p.run(after)
    lint(after)
    assert_same(graph, after)
    return after, changes


def assert_same(before: Graph, after: Graph, seed: int = 1) -> None:
    data = feeds(before, seed)
    ref, out = run(before, data), run(after, data)
    assert list(ref) == list(out)
    for name in ref:
        scale = max(1.0, float(np.abs(ref[name]).max()))
        err = float(np.abs(out[name] - ref[name]).max())
        assert err <= RTOL * scale, f"{name}: max abs error {err:.3e} > {RTOL} x {scale:.3g}"


def ops(graph: Graph) -> list[str]:
    return [n.op for n in graph.nodes]
