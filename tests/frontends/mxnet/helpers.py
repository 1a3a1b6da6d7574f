"""Shared helpers: MXNet imported through the compatibility shim, and the comparison rule."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import frontc
from frontc.analysis.distance import Distance, distance
from frontc.compat.mxnet_env import import_mxnet
from frontc.ir.graph import Graph

mx = import_mxnet()
REL_TOL = 1e-5


def assert_close(actual: np.ndarray, reference: np.ndarray) -> Distance:
    """max|diff| <= 1e-5 * max|reference|, same shape, and identical top-1 for classifier outputs."""
    assert actual.shape == reference.shape, (actual.shape, reference.shape)
    d = distance(actual, reference)
    assert d.within(REL_TOL), str(d)
    return d


def run_single(graph: Graph, x: np.ndarray) -> np.ndarray:
    """The one output of ``graph`` on the one input ``x``."""
    return frontc.run(graph, {graph.inputs[0].name: x})[graph.outputs[0]]


def save_symbol(symbol: Any, params: dict[str, Any], prefix: Path, epoch: int = 0) -> str:
    """Write ``prefix-symbol.json`` and ``prefix-EPOCH.params`` as mxnet's save_checkpoint does."""
    symbol.save(f"{prefix}-symbol.json")
    mx.nd.save(f"{prefix}-{epoch:04d}.params", params)
    return str(prefix)
