"""Model complexity of an IR: nnz, sparsity, dense and sparse FLOPs, then a per-layer table.

FLOPs: a multiply-accumulate (MAC) counts as 2 FLOPs (torch.utils.flop_counter's convention);
--flops-per-mac 1 counts MACs instead. Conv: MACs = N x output positions x C_out x C_in/group x
kernel size; ConvTranspose: per input position; Dense/Gemm/MatMul: rows x in x out (batched MatMul:
x broadcast batch). Einsum (two or more operands): the product of every index's size (the iteration
space) per extra operand. Attention (one node): batch x Lq x Lk x (d + dv), plus 5 FLOPs per score
(scale, mask, softmax). LSTM / GRU / RNN: directions x steps x batch x gates x hidden x (input +
hidden), gates 4 / 3 / 1, plus per hidden unit and step 32 / 22 / 6 FLOPs of cell arithmetic (bias
adds, sigmoid and tanh at 4 each, gate products). BoxNMS: per batch, 12 FLOPs per pair of its
k = min(topk, boxes) candidates plus one per box (sorting not counted). Other ops cost a
fixed number of FLOPs per output element (pooling: kernel size per output; global pools and reductions:
one per input element); a Conv/Dense's bias, residual and fused activation add theirs.
Sparse FLOPs count only MACs whose weight is nonzero (each nonzero weight: one MAC per position it is
applied at, grouped convolutions included); elementwise costs are unchanged.
nnz and sparsity count the kernels of Conv, ConvTranspose, Dense, Gemm and MatMul: not biases nor
BatchNorm statistics, unless --all-params.
"""
from __future__ import annotations

import argparse
import json

from frontc.analysis.complexity import complexity
from frontc.commands.common import add_force, in_range, read_graph
from frontc.outputs import write_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--graph-json", "--graph_json", required=True, help="an IR *_graph.json")
    parser.add_argument("--params-file", "--params_file", help="its *_params.npz (default: next to the graph)")
    parser.add_argument("--flops-per-mac", type=int, choices=(1, 2), default=2,
                        help="FLOPs per multiply-accumulate (default 2)")
    parser.add_argument("--all-params", action="store_true",
                        help="count every param (biases, BatchNorm) in nnz and sparsity")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH",
                        help="JSON instead of the table: printed, or written to PATH")
    add_force(parser)
    parser.add_argument("--top", type=in_range(int), default=0, help="only the N most expensive layers in the table")


def main(args: argparse.Namespace) -> int:
    result = complexity(read_graph(args.graph_json, args.params_file), flops_per_mac=args.flops_per_mac,
                        all_params=args.all_params)
    if args.json:
        text = json.dumps(result.as_dict(), indent=1) + "\n"
        if args.json == "-":
            print(text, end="")
        else:
            write_file(args.json, text, force=args.force)
            print(f"wrote {args.json}")
        return 0
    print(result.line())
    rows = result.as_dict()["layers"]
    if args.top:
        rows = sorted(rows, key=lambda r: -r["dense_flops"])[: args.top]
    header = f"{'layer':32} {'op':18} {'output':>18} {'params':>10} {'nnz':>10} {'sparsity':>8} " \
             f"{'MACs':>13} {'dense FLOPs':>14} {'sparse FLOPs':>14} {'share':>6}"
    print(header)
    for r in rows:
        shape = "x".join(map(str, r["output_shape"]))
        print(f"{r['name'][:32]:32} {r['op'][:18]:18} {shape:>18} {r['params']:>10,} {r['nnz']:>10,} "
              f"{r['sparsity']:8.4f} {r['macs']:>13,} {r['dense_flops']:>14,.0f} {r['sparse_flops']:>14,.0f} "
              f"{r['share']:6.1%}")
    print(f"{'total':32} {'':18} {'':>18} {sum(r['params'] for r in result.as_dict()['layers']):>10,} "
          f"{result.nnz:>10,} {result.sparsity:8.4f} {result.macs:>13,} {result.dense_flops:>14,.0f} "
          f"{result.sparse_flops:>14,.0f}")
    return 0
