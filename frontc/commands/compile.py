"""Compile a model into the checklist's IR files: IR_for_reconstruct_* and IR_fused_for_CModel_*.

MODEL is a file, a directory, or a model-zoo name (gluoncv names for mxnet, e.g. resnet50_v1b).
The six files (graph JSON, PNG and params NPZ of each IR) and compile_report.txt are written to
the output folder only when compilation succeeded, all together (frontc.outputs); IR files already
there are replaced only with --force (with --no-png, their old PNGs are removed).
"""
from __future__ import annotations

import argparse

import numpy as np

from frontc.commands.common import add_force, add_module, framework, in_range, read_npy, with_weights
from frontc.compiler import DEFAULT_FLOWS, compile_model, parse_input_dtypes, parse_input_shapes
from frontc.ir.errors import OptionError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("framework", type=framework, metavar="FRAMEWORK",
                        help="source framework: mxnet, torch, tf or onnx (or gluon, pytorch, keras, tensorflow)")
    parser.add_argument("model", help="model file, directory or zoo name")
    parser.add_argument("epoch", nargs="?", type=in_range(int), help="MXNet checkpoint epoch (NAME-%%04d.params)")
    add_module(parser)
    parser.add_argument("--input-shape", "--input_shape", action="append", metavar="NAME=1,3,224,224",
                        help="fix an input's shape (repeat per input)")
    parser.add_argument("--input-dtype", "--input_dtype", action="append", metavar="NAME=int64",
                        help="an input's dtype, e.g. ids=int64 for token ids (repeat per input; default float32)")
    parser.add_argument("--input-value", "--input_value", action="append", metavar="NAME=FILE.npy",
                        help="ONNX: bind an input to a fixed value (axes, pads, a shape... that frontc needs "
                             "constant); it folds into the graph (repeat per input)")
    parser.add_argument("-o", "--output", default="moffett_ir", help="output folder (default: moffett_ir)")
    add_force(parser)
    parser.add_argument("--no-png", action="store_true", help="skip rendering the graphs")
    parser.add_argument("--debug", action="store_true", help="lint the graph after every pass")
    parser.add_argument("--flow", action="append", metavar="NAME",
                        help="write the IR of this flow (repeat; default: reconstruct and cmodel; "
                             "a flow's base flow is written too)")


def main(args: argparse.Namespace) -> int:
    model = with_weights(args.model, args.module, args.framework)
    constants = input_values(args.input_value or [], args.framework)
    result = compile_model(args.framework, model, out_dir=args.output, epoch=args.epoch,
                           frontend_options={"constants": constants} if constants else None,
                           input_shapes=parse_input_shapes(args.input_shape), overwrite=args.force,
                           input_dtypes=parse_input_dtypes(args.input_dtype),
                           render=not args.no_png, debug=args.debug, progress=True,
                           flows=tuple(args.flow or DEFAULT_FLOWS))
    print("\n".join(result.summary().splitlines()[:5]))
    for path in result.files:
        print(f"wrote {path}")
    return 0


def input_values(items: list[str], source: str) -> dict[str, np.ndarray]:
    """The ``NAME=FILE.npy`` items of --input-value as arrays by input name (ONNX models only)."""
    if items and source != "onnx":
        raise OptionError(f"--input-value binds inputs of ONNX models, not of {source} models",
                          hint="pass --input-shape so that shape computations fold instead")
    values = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise OptionError(f"--input-value {item}: expected NAME=FILE.npy")
        values[name] = read_npy(path)
    return values
