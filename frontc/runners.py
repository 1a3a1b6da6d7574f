"""Ways to execute an IR graph, all returning tensors by IR name: the interpreter, the
PyTorch and TensorFlow reconstructions, and the source model the graph was converted from
(its framework's values of the IR tensors it can be matched with). Frameworks are imported
only when asked for."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

Runner = Callable[[dict[str, np.ndarray], bool], dict[str, np.ndarray]]
KINDS = ("ir", "torch", "tf", "source")


def make_runner(kind: str, graph: Graph, *, source: Any = None, framework: str | None = None,
                **options: Any) -> Runner:
    """A function ``(feeds, trace) -> tensors by IR name`` executing ``graph`` with ``kind``;
    ``source`` runs the model ``source`` of ``framework`` that ``graph`` was converted from
    (``options``: the source runner's, e.g. mxnet ``epoch``)."""
    if kind == "ir":
        from frontc.interpreter import run
        return lambda feeds, trace: run(graph, feeds, trace=trace, progress=True)
    if kind == "torch":
        from frontc.backends.torch import run_torch, to_torch
        module = to_torch(graph)
        return lambda feeds, trace: run_torch(module, feeds, trace=trace)
    if kind == "tf":
        from frontc.backends.tf import run_keras, to_keras
        model = to_keras(graph)
        return lambda feeds, trace: run_keras(model, feeds, trace=trace)
    if kind == "source":
        if source is None or framework is None:
            raise OptionError("runner 'source' needs the source model and its framework",
                              hint="pass --source MODEL --framework FW")
        from frontc.sources import source_trace
        return lambda feeds, trace: {name: value for name, value in
                                     source_trace(framework, source, graph, feeds, **options).items()
                                     if trace or name in graph.outputs}
    raise OptionError(f"unknown runner '{kind}'", hint=f"choose one of {list(KINDS)}")
