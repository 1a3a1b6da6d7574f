"""IR -> MXNet: ``NAME-symbol.json`` and ``NAME-0000.params`` written with numpy alone."""
from __future__ import annotations

import os
from pathlib import Path

from frontc.backends.mxnet.builder import SymbolBuilder, get_emitter
from frontc.backends.mxnet.params import params_bytes
from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Graph
from frontc.ir.infer import node_attrs
from frontc.ir.validate import lint


def to_mxnet(graph: Graph) -> tuple[str, bytes]:
    """(symbol JSON text, ``.params`` bytes with ``arg:``/``aux:`` names) of ``graph``."""
    lint(graph)
    missing: dict[str, list[str]] = {}
    for node in graph.nodes:
        if get_emitter(node.op) is None:
            missing.setdefault(node.op, []).append(node.name)
    if missing:
        parts = [f"{op} x{len(v)} ({', '.join(v[:3])})" for op, v in sorted(missing.items())]
        raise UnsupportedOpError(f"to_mxnet has no emitter for {'; '.join(parts)}",
                                 hint="run the interpreter or another backend on this graph")
    b = SymbolBuilder(graph)
    for spec in graph.inputs:
        b.entries[spec.name] = b.variable(spec.name)
    for node in graph.nodes:
        b.node, b.attrs = node, node_attrs(node)
        get_emitter(node.op)(node, b)
    heads = [b.entries[t] if t not in graph.params else b.entry(t) for t in graph.outputs]
    arrays = {f"arg:{k}": v for k, v in b.args.items()} | {f"aux:{k}": v for k, v in b.aux.items()}
    return b.symbol_json(heads), params_bytes(arrays)


def save_mxnet(graph: Graph, prefix: str | os.PathLike, *, epoch: int = 0, force: bool = False) -> list[Path]:
    """Write ``PREFIX-symbol.json`` and ``PREFIX-%04d.params`` (atomically; existing files only with ``force``)."""
    from frontc.outputs import Outputs

    paths = [Path(f"{prefix}-symbol.json"), Path(f"{prefix}-{epoch:04d}.params")]
    with Outputs("mxnet", force=force) as out:
        for path in paths:
            out.file(path)  # refused before the work when it exists
        symbol, params = to_mxnet(graph)
        out.write(paths[0], symbol)
        out.write(paths[1], params)
    return paths
