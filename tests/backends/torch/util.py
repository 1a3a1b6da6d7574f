"""Run one IR op two ways, the numpy interpreter (the reference) and the reconstructed torch
module, and compare at the project's tolerances (tests.interpreter.onnx_single_op)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import frontc.interpreter
from frontc.backends.torch import IRModule, run_torch, to_torch
from tests.interpreter.onnx_single_op import assert_close, ir_graph


def check_op(op: str, inputs: Sequence[str], feeds: dict[str, np.ndarray],
             params: dict[str, np.ndarray] | None = None, attrs: dict[str, Any] | None = None,
             kind: str = "exact", outputs: int = 1) -> IRModule:
    """Build a one-node graph, assert torch == interpreter; returns the module."""
    graph = ir_graph(op, inputs, feeds, params, attrs, outputs)
    reference = frontc.interpreter.run(graph, feeds)
    module = to_torch(graph)
    got = run_torch(module, feeds)
    assert list(got) == graph.outputs
    assert_close([got[name] for name in graph.outputs], [reference[name] for name in graph.outputs], kind)
    return module


def layer_of(module: IRModule, node: str = "node"):
    """The layer built for IR node ``node``."""
    return module.layers[module.node_keys[node]]
