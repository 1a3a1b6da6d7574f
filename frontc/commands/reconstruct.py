"""Rebuild an IR as a PyTorch module or a TensorFlow/Keras model, or export it to ONNX Runtime, MXNet
or TVM (Relax, LLVM), run it on input.npy and compare with result.npy. Exit status 1 when
rel_max = max|diff| / max|result| is over the threshold.

--save_path: torch writes a TorchScript file; tf writes a frozen GraphDef (.pb), a TFLite model
(.tflite) or a SavedModel folder (any other name); onnx writes an .onnx file.
"""
from __future__ import annotations

import argparse

from frontc.commands.common import add_force, add_layout, in_range, read_feeds, read_graph, read_npy, to_ir, user_layout
from frontc.ir.errors import OptionError
from frontc.outputs import Outputs
from frontc.quant.annotations import is_quantized
from frontc.quant.explicit import explicit_graph
from frontc.reconstruction import TARGETS, check_reconstruction, saves_folder


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", choices=TARGETS, help="framework to rebuild the IR in")
    parser.add_argument("--graph", required=True, help="an IR *_graph.json")
    parser.add_argument("--params", help="its *_params.npz (default: next to the graph)")
    parser.add_argument("--input_npy", "--input-npy", required=True, help="input array (.npy)")
    parser.add_argument("--result_npy", "--result-npy", required=True,
                        help="the expected output (.npy), from any framework")
    parser.add_argument("--save_path", "--save-path", help="also save the reconstructed model here")
    parser.add_argument("--threshold", type=in_range(float), default=1e-3, help="largest accepted rel_max (1e-3)")
    add_layout(parser)
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    graph = read_graph(args.graph, args.params)
    if is_quantized(graph):
        graph = explicit_graph(graph)
        print("note: a quantized IR: reconstructing its fake-quant simulation (explicit quantize-dequantize ops)")
    if len(graph.inputs) != 1:
        raise OptionError(f"the graph has {len(graph.inputs)} inputs", hint="use the Python API for several")
    feeds = read_feeds(graph, [args.input_npy], args.layout)
    expected = to_ir(read_npy(args.result_npy), graph.spec(graph.outputs[0]).shape, user_layout(graph, args.layout),
                     args.result_npy)
    with Outputs("reconstruct", force=args.force) as out:
        staged = None
        if args.save_path:
            staged = (out.folder if saves_folder(args.target, args.save_path) else out.file)(args.save_path)
        check = check_reconstruction(args.target, graph, feeds, expected, threshold=args.threshold,
                                     save_path=staged and str(staged))
    print(f"{args.target} reconstruction of {graph.name}: {check.distance}")
    print(f"distance (rel_max) {check.distance.rel_max:.3e} {'<=' if check.passed else '>'} "
          f"threshold {args.threshold:g}: {'PASS' if check.passed else 'FAIL'}")
    if check.saved:
        print(f"saved {args.save_path}")
    return 0 if check.passed else 1
