"""Graph -> graphviz DOT -> PNG/SVG: op type, output shapes, param shapes and quantization per node."""
from __future__ import annotations

import html
import os
import shutil
import subprocess
from pathlib import Path

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph, Node
from frontc.ir.infer import infer_shapes
from frontc.ir.schema import get_schema
from frontc.outputs import write_file
from frontc.quant.annotations import node_label

FORMATS = ("png", "svg", "pdf", "dot")
_COLORS = {"nn": "#cfe2f3", "activation": "#d9ead3", "elementwise": "#fff2cc", "tensor": "#eeeeee",
           "reduce": "#f4cccc"}


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape) or "scalar"


def _node_label(graph: Graph, node: Node) -> str:
    rows = [f"<b>{html.escape(node.op)}</b>", html.escape(node.name)]
    act = node.attrs.get("activation")
    if act:
        rows[0] += f" + {html.escape(act)}"
    for tensor in node.inputs:
        if tensor in graph.params:
            rows.append(f"<font point-size='9'>{html.escape(tensor)}: "
                        f"{_shape(graph.params[tensor].shape)}</font>")
    rows.append(f"<font color='#444444'>{' , '.join(_shape(graph.tensors[t].shape) for t in node.outputs)}"
                "</font>")
    quant = node_label(node)
    if quant:
        rows.append(f"<font color='#7f3f00' point-size='9'>{html.escape(quant)}</font>")
    return "<" + "<br/>".join(rows) + ">"


def to_dot(graph: Graph) -> str:
    """The graph in graphviz DOT: inputs and outputs as ellipses, nodes as boxes."""
    infer_shapes(graph)
    lines = [f'digraph "{graph.name}" {{', "  rankdir=TB;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9, color="#666666"];']
    ids = {}
    for i, spec in enumerate(graph.inputs):
        ids[spec.name] = f"in{i}"
        lines.append(f'  in{i} [shape=ellipse, fillcolor="#ffe599", '
                     f'label="{html.escape(spec.name)}\\n{_shape(spec.shape)}"];')
    for i, node in enumerate(graph.nodes):
        color = _COLORS.get(get_schema(node.op).family, "#ffffff")
        lines.append(f'  n{i} [fillcolor="{color}", label={_node_label(graph, node)}];')
        for tensor in node.outputs:
            ids[tensor] = f"n{i}"
    for i, node in enumerate(graph.nodes):
        for tensor in node.inputs:
            if tensor in ids:
                lines.append(f"  {ids[tensor]} -> n{i};")
    for i, tensor in enumerate(graph.outputs):
        lines.append(f'  out{i} [shape=ellipse, fillcolor="#ffe599", label="{html.escape(tensor)}"];')
        if tensor in ids:
            lines.append(f"  {ids[tensor]} -> out{i};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(graph: Graph, path: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Render to ``path``; the format (png, svg, pdf, dot) is taken from its suffix."""
    return write_file(path, render_bytes(graph, Path(path).suffix.lstrip(".").lower()), force=overwrite)


def render_bytes(graph: Graph, fmt: str) -> bytes:
    """The graph rendered in ``fmt`` (png, svg, pdf or dot)."""
    if fmt not in FORMATS:
        raise OptionError(f"cannot render to '.{fmt}'", hint=f"use a suffix among {list(FORMATS)}")
    dot_text = to_dot(graph)
    if fmt == "dot":
        return dot_text.encode()
    dot = shutil.which("dot")
    if dot is None:
        raise OptionError("graphviz's `dot` program is not installed",
                          hint="run scripts/setup.sh (installs the graphviz apt package)")
    done = subprocess.run([dot, f"-T{fmt}"], input=dot_text.encode(), capture_output=True)
    if done.returncode != 0:
        raise OptionError(f"graphviz failed: {done.stderr.decode().strip()[:200]}")
    return done.stdout
