"""Structured pruning of an IR: remove whole channels and everything aligned with them (BatchNorm,
depthwise convs, residual Adds, Concat, Dense after Flatten), so params, FLOPs and latency fall.

--ratio R removes the share R of each channel group with the lowest L1 norm (then fine-tune, e.g. in
the torch reconstruction); --zero-channels removes only channels whose weights are all zero, e.g. after
Prune(pattern="channel"). Groups that reach a graph input or output stay whole. Writes PREFIX_graph.json
and PREFIX_params.npz, and prints the groups and the params / MACs before and after.
"""
from __future__ import annotations

import argparse

from frontc.ir.errors import OptionError


def ratio(text: str) -> float:
    """An argparse type: a number in [0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"'{text}' must be in [0, 1)")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--graph", required=True, help="an IR *_graph.json (IR_for_reconstruct)")
    parser.add_argument("--params", help="its *_params.npz (default: next to the graph)")
    parser.add_argument("--ratio", type=ratio, help="share of channels to remove, in [0, 1)")
    parser.add_argument("--zero-channels", action="store_true", help="remove only all-zero channels")
    parser.add_argument("-o", "--output", required=True, help="output prefix (writes PREFIX_graph.json, _params.npz)")
    parser.add_argument("--force", action="store_true", help="replace existing output files")


def main(args: argparse.Namespace) -> int:
    from frontc.analysis.complexity import complexity
    from frontc.ir.serialize import graph_files, ir_paths, load_graph
    from frontc.outputs import Outputs
    from frontc.prune.channels import remove_channels

    if args.zero_channels == (args.ratio is not None):
        raise OptionError("give one of --ratio R or --zero-channels")
    with Outputs("prune", force=args.force) as out:
        targets = ir_paths(args.output)
        for path in targets:
            out.file(path)
        graph = load_graph(args.graph, args.params)
        pruned, report = remove_channels(graph, args.ratio, zero_only=args.zero_channels)
        for path, data in graph_files(pruned, args.output).items():
            out.write(path, data)
    before, after = complexity(graph), complexity(pruned)
    print(report.table())
    print(f"MACs {before.macs:,} -> {after.macs:,} ({after.macs / max(before.macs, 1):.2f}x)")
    for path in targets:
        print(f"wrote {path}")
    return 0

