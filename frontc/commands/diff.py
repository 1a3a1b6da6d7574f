"""Run the same input through two executions of an IR and report per-layer errors.

Each side is a runner (ir: the numpy interpreter; torch, tf: the reconstructions; source: the
original --source model run by its --framework) over a graph: --graph for side A (default: the
--source model converted by its frontend), --graph-b for side B (default: the same graph).
Tensors are matched by their IR names: fused nodes of IR_fused_for_CModel keep the name of the
last op they absorbed, so a fused IR compares with IR_for_reconstruct at the fused outputs; the
source's layer outputs are matched to IR tensors through the names the frontend recorded (the
count matched is printed). Prints a table and the first layer whose rel_max (max|diff| / max|A|)
exceeds --threshold; --plot writes error by depth as a PNG.
"""
from __future__ import annotations

import argparse

from frontc.analysis.divergence import Divergence, divergence
from frontc.commands.common import (
    add_force,
    add_layout,
    add_module,
    framework,
    in_range,
    read_feeds,
    read_graph,
    with_weights,
)
from frontc.compiler import parse_input_dtypes, parse_input_shapes
from frontc.frontends import load
from frontc.ir.errors import OptionError
from frontc.outputs import Outputs
from frontc.runners import KINDS, make_runner


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--graph", help="IR *_graph.json of side A (default: convert --source)")
    parser.add_argument("--graph-b", help="IR *_graph.json of side B (default: --graph)")
    parser.add_argument("--a", default="ir", choices=KINDS, help="runner of side A (default ir)")
    parser.add_argument("--b", default="torch", choices=KINDS, help="runner of side B (default torch)")
    parser.add_argument("--source", metavar="MODEL", help="the source model, for runner 'source'")
    parser.add_argument("--framework", type=framework, help="the --source model's framework (mxnet, torch, tf, "
                        "onnx, or gluon, pytorch, keras, tensorflow)")
    parser.add_argument("--epoch", type=in_range(int), help="the --source MXNet checkpoint's epoch (default 0)")
    add_module(parser)
    parser.add_argument("--input-shape", "--input_shape", action="append", metavar="NAME=1,3,224,224",
                        help="fix an input's shape when converting --source (repeat per input)")
    parser.add_argument("--input-dtype", "--input_dtype", action="append", metavar="NAME=int64",
                        help="an input's dtype when converting --source, e.g. ids=int64 (repeat per input)")
    parser.add_argument("--input_npy", "--input-npy", action="append", required=True, metavar="[NAME=]X.npy")
    parser.add_argument("--threshold", type=in_range(float), default=1e-4, help="rel_max that counts as diverged")
    parser.add_argument("--plot", help="write error by depth to this PNG")
    add_layout(parser)
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    if (args.source is None) != (args.framework is None):
        raise OptionError("--source and --framework go together", hint="give both, or neither")
    if args.graph is None and args.source is None:
        raise OptionError("no graph for side A", hint="pass --graph, or --source MODEL --framework FW")
    with Outputs("diff", force=args.force) as out:
        if args.plot:
            out.file(args.plot)  # checked before the runs
        result = _compare(args)
        if args.plot:
            out.write(args.plot, result.plot_png())
    if args.plot:
        print(f"wrote {args.plot}")
    return 0 if result.first_bad is None else 1


def _compare(args: argparse.Namespace) -> Divergence:
    """Both runs and their per-layer comparison; prints the table."""
    options = {} if args.epoch is None else {"epoch": args.epoch}
    source = args.source and with_weights(args.source, args.module, args.framework)
    graph_a = read_graph(args.graph) if args.graph else \
        load(source, args.framework, input_shapes=parse_input_shapes(args.input_shape),
             input_dtypes=parse_input_dtypes(args.input_dtype), **options)
    graph_b = read_graph(args.graph_b) if args.graph_b else graph_a
    edges = [(g.inputs, [g.spec(t) for t in g.outputs]) for g in (graph_a, graph_b)]
    if [[(s.name, s.shape) for s in specs] for specs in edges[0]] != [[(s.name, s.shape) for s in specs]
                                                                       for specs in edges[1]]:
        raise OptionError("the two graphs have different inputs or outputs: "
                          + " vs ".join(str([f"{s.name}{list(s.shape)}" for s in e[0] + e[1]]) for e in edges),
                          path=args.graph_b, hint="compare two IRs of the same model")
    feeds = read_feeds(graph_a, args.input_npy, args.layout)
    model = {"source": source, "framework": args.framework, **options}
    trace_a = make_runner(args.a, graph_a, **model)(feeds, True)
    trace_b = make_runner(args.b, graph_b, **model)(feeds, True)
    ops = {t: n.op for n in graph_a.nodes for t in n.outputs}
    order = [t for n in graph_a.nodes for t in n.outputs]
    result = divergence(trace_a, trace_b, ops, order, threshold=args.threshold)
    graph_name = args.graph or f"{args.source} (converted)"
    print(f"A: {args.a} on {graph_name}\nB: {args.b} on {args.graph_b or graph_name}")
    for side, kind, trace in (("A", args.a, trace_a), ("B", args.b, trace_b)):
        if kind == "source":
            print(f"{side}: {len(trace)} tensors of the {args.framework} model {args.source} matched IR tensors")
    print(result.table())
    return result
