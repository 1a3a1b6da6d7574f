"""Run the same input through two executions of an IR and report per-layer errors.

Each side is a runner (ir: the numpy interpreter; torch, tf: the reconstructions) over a graph:
--graph for side A, --graph-b for side B (default: the same graph). Tensors are matched by their
IR names: fused nodes of IR_fused_for_CModel keep the name of the last op they absorbed, so a fused
IR compares with IR_for_reconstruct at the fused outputs. Prints a table and the first layer whose
rel_max (max|diff| / max|A|) exceeds --threshold; --plot writes error by depth as a PNG.
"""
from __future__ import annotations

import argparse

from frontc.analysis.divergence import divergence
from frontc.commands.common import named_paths, read_graph, read_npy
from frontc.runners import KINDS, make_runner


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--graph", required=True, help="IR *_graph.json of side A")
    parser.add_argument("--graph-b", help="IR *_graph.json of side B (default: --graph)")
    parser.add_argument("--a", default="ir", choices=KINDS, help="runner of side A (default ir)")
    parser.add_argument("--b", default="torch", choices=KINDS, help="runner of side B (default torch)")
    parser.add_argument("--input_npy", "--input-npy", action="append", required=True, metavar="[NAME=]X.npy")
    parser.add_argument("--threshold", type=float, default=1e-4, help="rel_max that counts as diverged")
    parser.add_argument("--plot", help="write error by depth to this PNG")


def main(args: argparse.Namespace) -> int:
    graph_a = read_graph(args.graph)
    graph_b = read_graph(args.graph_b) if args.graph_b else graph_a
    feeds = {name: read_npy(path)
             for name, path in named_paths(args.input_npy, graph_a.input_names, "--input_npy").items()}
    trace_a = make_runner(args.a, graph_a)(feeds, True)
    trace_b = make_runner(args.b, graph_b)(feeds, True)
    ops = {t: n.op for n in graph_a.nodes for t in n.outputs}
    order = [t for n in graph_a.nodes for t in n.outputs]
    result = divergence(trace_a, trace_b, ops, order, threshold=args.threshold)
    print(f"A: {args.a} on {args.graph}\nB: {args.b} on {args.graph_b or args.graph}")
    print(result.table())
    if args.plot:
        result.plot(args.plot)
        print(f"wrote {args.plot}")
    return 0 if result.first_bad is None else 1
