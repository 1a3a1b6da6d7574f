"""Run an IR graph in the numpy reference interpreter on inputs from .npy files."""
from __future__ import annotations

import argparse

from frontc.commands.common import (
    add_force,
    add_layout,
    from_ir,
    named_paths,
    npy_bytes,
    read_feeds,
    read_graph,
    user_layout,
)
from frontc.interpreter import run
from frontc.ir.serialize import npz_bytes
from frontc.outputs import Outputs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--graph", required=True, help="an IR *_graph.json")
    parser.add_argument("--params", help="its *_params.npz (default: next to the graph)")
    parser.add_argument("--input_npy", "--input-npy", action="append", required=True, metavar="[NAME=]X.npy",
                        help="input array; NAME=X.npy per input when the graph has several")
    parser.add_argument("--output_npy", "--output-npy", action="append", default=[],
                        metavar="[NAME=]Y.npy", help="where to write outputs (NAME=Y.npy per output)")
    parser.add_argument("--trace", metavar="TRACE.npz",
                        help="also write every intermediate tensor to this .npz")
    add_layout(parser)
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    graph = read_graph(args.graph, args.params)
    feeds = read_feeds(graph, args.input_npy, args.layout)
    targets = named_paths(args.output_npy, list(graph.outputs), "--output_npy")
    with Outputs("run", force=args.force) as out:
        for path in [*targets.values(), *([args.trace] if args.trace else [])]:
            out.file(path)  # every output checked before running; all written or none
        values = run(graph, feeds, trace=bool(args.trace), progress=True)
        for name in graph.outputs:
            value = values[name]
            print(f"{name}: {value.dtype}{list(value.shape)} min={value.min():.6g} max={value.max():.6g}")
            if name in targets:
                out.write(targets[name], npy_bytes(from_ir(value, user_layout(graph, args.layout))))
        if args.trace:
            out.write(args.trace, npz_bytes(values))
    for name, path in targets.items():
        print(f"wrote {name} to {path}")
    if args.trace:
        print(f"wrote {len(values)} tensors to {args.trace}")
    return 0
