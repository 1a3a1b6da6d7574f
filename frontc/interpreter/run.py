"""The interpreter loop: execute a linted graph node by node with the numpy kernels."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from frontc.interpreter.registry import call_kernel
from frontc.ir.errors import ExecutionError, FrontcError, OptionError
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import node_attrs
from frontc.ir.validate import lint


def check_feeds(graph: Graph, feeds: Mapping[str, Any] | np.ndarray) -> dict[str, np.ndarray]:
    """The feeds as arrays of the inputs' dtypes; OptionError for a missing or misshaped feed."""
    if not isinstance(feeds, Mapping):
        if len(graph.inputs) != 1:
            raise OptionError(f"the graph has {len(graph.inputs)} inputs {graph.input_names}",
                              hint="feed a dict of arrays by input name")
        feeds = {graph.inputs[0].name: feeds}
    unknown = sorted(set(feeds) - set(graph.input_names))
    if unknown:
        raise OptionError(f"feeds {unknown} are not graph inputs", hint=f"inputs: {graph.input_names}")
    out = {}
    for spec in graph.inputs:
        if spec.name not in feeds:
            raise OptionError(f"no value for input '{spec.name}' {spec.dtype}{list(spec.shape)}",
                              hint="feed every graph input")
        value = np.asarray(feeds[spec.name])
        if value.shape != spec.shape:
            raise OptionError(f"input '{spec.name}' expects shape {list(spec.shape)}, "
                              f"got {list(value.shape)}", hint="recompile with --input-shape "
                              "or reshape the input")
        if not np.can_cast(value.dtype, spec.dtype, casting="same_kind"):
            raise OptionError(f"input '{spec.name}' expects {spec.dtype}, got {value.dtype}")
        out[spec.name] = np.asarray(value, dtype=spec.dtype, order="C")  # keeps 0-d feeds 0-d
    return out


Observer = Callable[[Node | None, dict[str, np.ndarray]], None]


def run(graph: Graph, feeds: Mapping[str, Any] | np.ndarray, *, trace: bool = False,
        progress: bool = False, observer: Observer | None = None) -> dict[str, np.ndarray]:
    """Execute ``graph`` on ``feeds`` (a dict by input name, or one array).

    Returns the graph outputs by name; with ``trace`` every tensor (inputs and
    every node output, in execution order) instead. ``observer(node, outputs)`` is
    called once with ``node=None`` and the checked feeds, then after every node with
    its outputs by name; nothing is kept for it, so memory stays that of a plain run.
    """
    lint(graph)
    values: dict[str, np.ndarray] = dict(graph.params)
    checked = check_feeds(graph, feeds)
    values.update(checked)
    traced: dict[str, np.ndarray] = dict(checked) if trace else {}
    if observer is not None:
        observer(None, dict(checked))
    last_use = {t: i for i, node in enumerate(graph.nodes) for t in node.inputs}
    keep = set(graph.outputs) | set(graph.params)
    nodes = graph.nodes
    if progress:
        from tqdm import tqdm
        nodes = tqdm(nodes, desc=f"interpreting {graph.name}", unit="node", leave=False, delay=2, disable=None)
    for i, node in enumerate(nodes):
        args = [values[t] if t else None for t in node.inputs]
        try:
            result = call_kernel(node, args, node_attrs(node))
        except FrontcError as exc:
            raise type(exc)(f"while executing {node.op}: {exc.message}", node=node.name,
                            hint=exc.hint) from None
        except (ValueError, TypeError, IndexError, FloatingPointError, MemoryError) as exc:
            raise ExecutionError(f"while executing {node.op}: {type(exc).__name__}: {exc}",
                                 node=node.name) from exc
        results = result if isinstance(result, list) else [result]
        for name, value in zip(node.outputs, results):
            expected = graph.tensors[name]
            if value.shape != expected.shape or str(value.dtype) != expected.dtype:
                raise ExecutionError(f"kernel {node.op} gave {value.dtype}{list(value.shape)} for "
                                     f"'{name}', the schema says {expected.dtype}{list(expected.shape)}",
                                     node=node.name, hint="this is a frontc bug; please report it")
            values[name] = value
            if trace:
                traced[name] = value
        if observer is not None:
            observer(node, {name: values[name] for name in node.outputs})
        for tensor in node.inputs:
            if tensor and last_use.get(tensor) == i and tensor not in keep:
                values.pop(tensor, None)
    return traced if trace else {name: values[name] for name in graph.outputs}
