"""Step 7, modeling performance: per-layer latency of an IR on an accelerator described by a hardware YAML.

Per layer: MACs (effective MACs after the sparsity speedup of its weight pattern), weight and
activation bytes at its bit widths, DRAM bytes, arithmetic intensity, compute- and memory-bound
time, the bound that wins; totals; a roofline PNG with --plot. Give it the fused IR
(IR_fused_for_CModel; quantized and sparse where it is). Hardware fields: configs/hardware/README.md.
"""
from __future__ import annotations

import argparse
import json

from frontc.commands.common import add_force


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--graph", required=True, help="IR graph JSON (IR_fused_for_CModel_graph.json)")
    parser.add_argument("--params", help="params NPZ (default: beside the graph)")
    parser.add_argument("--hardware", required=True, help="hardware YAML (configs/hardware/*.yaml)")
    parser.add_argument("--plot", help="write the roofline plot to this PNG")
    parser.add_argument("--json", dest="json_path", help="write the per-layer report to this JSON file")
    parser.add_argument("--top", type=int, default=0, help="list only the N slowest layers (default: all)")
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    from frontc.commands.common import read_graph
    from frontc.outputs import Outputs
    from frontc.perf.hardware import load_hardware
    from frontc.perf.model import estimate
    from frontc.perf.roofline import roofline_png

    hw = load_hardware(args.hardware)
    with Outputs("perf", force=args.force) as out:
        for path in (args.plot, args.json_path):
            if path:
                out.file(path)  # checked before the work
        report = estimate(read_graph(args.graph, args.params), hw)
        print(report.table(args.top))
        if args.json_path:
            out.write(args.json_path, json.dumps(report.as_dict(), indent=1) + "\n")
        if args.plot:
            out.write(args.plot, roofline_png(report))
    return 0
