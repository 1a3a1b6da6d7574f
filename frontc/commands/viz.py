"""Render an IR graph with graphviz: op type, output shapes and param shapes per node."""
from __future__ import annotations

import argparse

from frontc.commands.common import add_force, read_graph
from frontc.viz import render_graph


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("graph", metavar="GRAPH_JSON", help="an IR *_graph.json")
    parser.add_argument("--params", help="its *_params.npz (default: next to the graph)")
    parser.add_argument("-o", "--output", required=True,
                        help="output file; the format comes from the suffix (.png, .svg, .pdf, .dot)")
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    path = render_graph(read_graph(args.graph, args.params), args.output, overwrite=args.force)
    print(f"wrote {path}")
    return 0
