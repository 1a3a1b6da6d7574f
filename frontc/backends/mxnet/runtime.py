"""Load an exported symbol + params in mxnet (through files, as a user would) and run it."""
from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from frontc.ir.graph import Graph


def mxnet_block(graph: Graph) -> Any:
    """``graph`` written by ``save_mxnet`` and loaded back as a gluon SymbolBlock (CPU)."""
    from frontc.backends.mxnet.export import save_mxnet
    from frontc.compat.mxnet_env import import_mxnet

    mx = import_mxnet()
    with tempfile.TemporaryDirectory() as tmp:
        symbol, params = save_mxnet(graph, Path(tmp) / "model")
        with warnings.catch_warnings():  # SymbolBlock warns about inputs that carry no dtype attribute
            warnings.simplefilter("ignore")
            block = mx.gluon.SymbolBlock.imports(str(symbol), graph.input_names, str(params), ctx=mx.cpu())
    return block


def run_mxnet(graph: Graph, feeds: dict[str, np.ndarray], *, block: Any = None) -> dict[str, np.ndarray]:
    """The outputs of ``graph`` (or of ``block``, its loaded export) run in mxnet, by IR name."""
    from frontc.compat.mxnet_env import import_mxnet
    from frontc.interpreter import check_feeds

    mx = import_mxnet()
    block = block or mxnet_block(graph)
    feeds = check_feeds(graph, feeds)
    out = block(*[mx.nd.array(feeds[name], dtype=feeds[name].dtype) for name in graph.input_names])
    outs = out if isinstance(out, (list, tuple)) else [out]
    return {name: value.asnumpy() for name, value in zip(graph.outputs, outs)}
