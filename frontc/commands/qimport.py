"""Import a model that is already quantized (ONNX QDQ or QLinear*, TFLite int8) as an annotated
integer IR: DIR/IR_quant_graph.json and DIR/IR_quant_params.npz, ready for ``frontc run`` and
``frontc cmodel emit``. Every scale, zero point and integer weight is the file's; frontc's integer
path then executes it by its own rounding rule (floor(v + 1/2))."""
from __future__ import annotations

import argparse
from pathlib import Path

from frontc.commands.common import add_force


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a quantized .onnx (QDQ or QOperator format) or .tflite file")
    parser.add_argument("--input-shape", "--input_shape", action="append", metavar="NAME=1,3,224,224",
                        help="fix a dynamic input shape")
    parser.add_argument("-o", "--output", default="moffett_ir", help="output folder (default: moffett_ir)")
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    from frontc.compiler import parse_input_shapes
    from frontc.ir.serialize import graph_files
    from frontc.outputs import Outputs
    from frontc.quant.annotations import describe
    from frontc.quant.importers import load_quantized

    with Outputs("qimport", force=args.force) as out:
        prefix = Path(args.output) / "IR_quant"
        for path in (Path(f"{prefix}_graph.json"), Path(f"{prefix}_params.npz")):
            out.file(path)
        graph = load_quantized(args.model, parse_input_shapes(args.input_shape))
        written = [out.write(path, data) for path, data in graph_files(graph, prefix).items()]
    info = describe(graph) or {}
    print(f"imported {args.model}: {len(graph.nodes)} nodes, {info.get('strategy')}, {info.get('weight_quan')}, "
          f"{info.get('tensors')} quantized tensors")
    for path in written:
        print(f"wrote {path}")
    return 0
