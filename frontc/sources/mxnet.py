"""MXNet as a source runner: the symbol's internal outputs (``symbol.get_internals()``) bound to
the saved weights and run by mxnet. Internal output ``<node>_output`` (``<node>_output<i>`` of
a multi-output node) pairs with output ``i`` of the last IR node traced to MXNet node ``<node>``.

The source is what the MXNet frontend reads: a symbol file, its prefix or directory (weights of
epoch 0), a live Gluon HybridBlock, or a gluoncv zoo name (built with seed 0, as the frontend
builds it by default, and named as the first network of its kind in a process: a graph
converted after other networks of that kind were built in the same process has other node
names and matches nothing); blocks and zoo networks are exported to a temporary directory.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from frontc.compat.mxnet_env import import_mxnet
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.sources import source_outputs

OUTPUT_NAME = re.compile(r"(.+)_output(\d*)$")
SUBGRAPH = "MXNET_SUBGRAPH_BACKEND"


def trace(source: Any, graph: Graph, feeds: dict[str, np.ndarray], epoch: int = 0) -> dict[str, np.ndarray]:
    """MXNet's value of every internal node output that has an IR tensor in ``graph`` (weights of ``epoch``)."""
    from frontc.frontends.mxnet.gluon import export_block, is_block, zoo_block
    from frontc.frontends.mxnet.loader import SYMBOL_SUFFIX, model_files

    shapes = [feeds[spec.name].shape for spec in graph.inputs]
    if isinstance(source, (str, Path)) and _is_path(str(source), SYMBOL_SUFFIX):
        return run_internals(*model_files(source, epoch), graph, feeds)
    if not isinstance(source, str) and not is_block(source):
        raise OptionError(f"the mxnet source runner cannot run a {type(source).__name__}",
                          hint="give a symbol file or prefix, a Gluon HybridBlock or a gluoncv zoo name")
    with tempfile.TemporaryDirectory(prefix="frontc-source-") as directory:
        if is_block(source):
            block = source
        else:
            block = zoo_block(source, seed=0, input_shape=shapes[0])
        prefix = export_block(block, shapes, directory)
        return run_internals(prefix + SYMBOL_SUFFIX, prefix + "-0000.params", graph, feeds)


def _is_path(text: str, suffix: str) -> bool:
    return "/" in text or text.endswith((".json", ".params")) or Path(text).exists() \
        or Path(text + suffix).exists()


def run_internals(symbol_path: str, params_path: str, graph: Graph,
                  feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Bind the internal outputs that match IR tensors and run them forward (inference)."""
    mx = import_mxnet()
    outputs = source_outputs(graph)
    internals = mx.sym.load(symbol_path).get_internals()
    chosen = []
    for index, name in enumerate(internals.list_outputs()):
        found = OUTPUT_NAME.match(name)
        tensors = outputs.get(found.group(1), []) if found else []
        position = int(found.group(2) or 0) if found else 0
        if position < len(tensors):
            chosen.append((internals[index], tensors[position]))
    if not chosen:
        return {}
    group = mx.sym.Group([symbol for symbol, _ in chosen])
    saved = mx.nd.load(params_path)
    weights = {key.split(":", 1)[-1]: value for key, value in saved.items()}
    data = {spec.name: mx.nd.array(feeds[spec.name], dtype=feeds[spec.name].dtype) for spec in graph.inputs}
    known = {**weights, **data}
    arg_shapes, _, _ = group.infer_shape_partial(**{name: known[name].shape for name in
                                                    group.list_arguments() if name in known})
    args = {name: known[name] if name in known else mx.nd.zeros(shape)  # loss labels: unused here
            for name, shape in zip(group.list_arguments(), arg_shapes)}
    aux = {name: weights[name] for name in group.list_auxiliary_states()}
    previous = os.environ.get(SUBGRAPH)
    os.environ[SUBGRAPH] = "NONE"  # MKLDNN subgraph fusion cannot bind internal outputs
    try:
        executor = group.bind(mx.cpu(), args=args, aux_states=aux, grad_req="null")
        executor.forward(is_train=False)
    finally:
        if previous is None:
            del os.environ[SUBGRAPH]
        else:
            os.environ[SUBGRAPH] = previous
    return {tensor: out.asnumpy() for (_, tensor), out in zip(chosen, executor.outputs)}
