"""Ways to execute an IR graph, all returning tensors by IR name: the interpreter, and the
PyTorch and TensorFlow reconstructions. Frameworks are imported only when asked for."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

Runner = Callable[[dict[str, np.ndarray], bool], dict[str, np.ndarray]]
KINDS = ("ir", "torch", "tf")


def make_runner(kind: str, graph: Graph) -> Runner:
    """A function ``(feeds, trace) -> tensors by IR name`` executing ``graph`` with ``kind``."""
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
    raise OptionError(f"unknown runner '{kind}'", hint=f"choose one of {list(KINDS)}")
