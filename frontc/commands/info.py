"""Summarize an IR graph: op histogram, params (count and bytes), inputs, outputs and quantization."""
from __future__ import annotations

import argparse
import json
from collections import Counter

from frontc.commands.common import read_graph
from frontc.ir.graph import Graph
from frontc.quant.annotations import describe


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("graph", metavar="GRAPH_JSON", help="an IR *_graph.json")
    parser.add_argument("--params", help="its *_params.npz (default: next to the graph)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def summary(graph: Graph) -> dict:
    """Ops histogram, params count and bytes, inputs and outputs of ``graph``."""
    return {
        "name": graph.name,
        "nodes": len(graph.nodes),
        "ops": dict(sorted(Counter(n.op for n in graph.nodes).items(), key=lambda kv: (-kv[1], kv[0]))),
        "params": len(graph.params),
        "param_values": int(sum(v.size for v in graph.params.values())),
        "param_bytes": int(sum(v.nbytes for v in graph.params.values())),
        "inputs": [spec.to_json() for spec in graph.inputs],
        "outputs": [graph.spec(name).to_json() for name in graph.outputs],
        "meta": {k: v for k, v in graph.meta.items() if isinstance(v, (str, int, float))},
        "quant": describe(graph),
    }


def main(args: argparse.Namespace) -> int:
    info = summary(read_graph(args.graph, args.params))
    if args.json:
        print(json.dumps(info, indent=1, sort_keys=True))
        return 0
    print(f"graph {info['name']}: {info['nodes']} nodes, {info['params']} params, "
          f"{info['param_values']:,} values, {info['param_bytes'] / 2**20:.2f} MiB")
    for key in ("inputs", "outputs"):
        for spec in info[key]:
            print(f"  {key[:-1]:6} {spec['name']}: {spec['dtype']}{spec['shape']}"
                  + (f" {spec['layout']}" if spec.get("layout") else ""))
    if info["quant"]:
        q = info["quant"]
        print(f"quantized: {q['strategy']} {q['weight_quan']} W{q['weight_bits']}A{q['act_bits']}"
              f"{' integer' if q['integer'] else ' fake-quant'}, rounding {q['rounding']}, {q['tensors']} tensors, "
              f"{q['weights']} weights, {q['lookup_tables']} lookup tables")
    width = max(len(op) for op in info["ops"])
    print("ops:")
    for op, count in info["ops"].items():
        print(f"  {op:{width}} {count}")
    return 0
