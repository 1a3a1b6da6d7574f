"""Calibrate an IR: stream images or an .npy/.npz through it and write the per-tensor range table.

The table (versioned JSON, written atomically) is byte-identical for any --batch-size and input
order; it names the graph by a hash. With --config-file the seed's config supplies MODEL,
QUAN.qconfig (image_path, table, observer, percentile) and PREPROCESS.
"""
from __future__ import annotations

import argparse
import resource

from frontc.commands.common import in_range
from frontc.ir.errors import OptionError
from frontc.quant.observers import OBSERVERS

BACKENDS = ("onnxruntime", "torch", "numpy")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config-file", "--config_file", help="a step-6 YAML config (seed format)")
    parser.add_argument("--graph", help="an IR *_graph.json (default: MODEL.graph)")
    parser.add_argument("--params", help="its *_params.npz (default: next to the graph)")
    parser.add_argument("--images", help="a folder of JPEG/PNG images or an .npy/.npz of inputs "
                        "(default: QUAN.qconfig.image_path)")
    parser.add_argument("-o", "--output", help="the table .json to write (default: QUAN.qconfig.table)")
    parser.add_argument("--observer", choices=OBSERVERS, help="threshold rule (default: kl, or QUAN.qconfig.observer)")
    parser.add_argument("--percentile", type=in_range(float, 0, 100), help="for --observer percentile (default 99.99)")
    parser.add_argument("--bits", type=in_range(int, 2, 32), default=8,
                        help="activation bits the mse observer assumes (default 8)")
    parser.add_argument("--batch-size", type=in_range(int, 1), help="inputs decoded at a time (default 32)")
    parser.add_argument("--chunk", type=in_range(int, 1), default=8,
                        help="inputs per runtime call; fixes the arithmetic, so the table does not depend on "
                        "--batch-size or order (default 8)")
    parser.add_argument("--backend", choices=BACKENDS, default="onnxruntime",
                        help="runtime: onnxruntime (the IR exported to ONNX, fastest), torch (the IR rebuilt in "
                        "PyTorch) or numpy (the reference interpreter)")
    parser.add_argument("--force", action="store_true", help="replace an existing table")


def main(args: argparse.Namespace) -> int:
    from frontc.datasets.images import open_inputs
    from frontc.datasets.preprocess import Preprocess
    from frontc.ir.serialize import load_graph
    from frontc.outputs import Outputs
    from frontc.quant.calibrate import calibrate
    from frontc.quant.table import check_table_path

    config = None
    if args.config_file:
        from frontc.quant.config import load_config
        config = load_config(args.config_file)
    graph_path = args.graph or (config and config.graph)
    images = args.images or (config and config.need("image_path", "QUAN.qconfig.image_path"))
    output = args.output or (config and config.need("table", "QUAN.qconfig.table"))
    for value, option in ((graph_path, "--graph"), (images, "--images"), (output, "--output")):
        if not value:
            raise OptionError(f"{option} is required (or give --config-file)")
    observer = args.observer or (config.observer if config else "kl")
    percentile = args.percentile if args.percentile is not None else (config.percentile if config else 99.99)
    batch_size = args.batch_size or (config.calib_batch_size if config else 32)
    check_table_path(output)
    graph = load_graph(graph_path, args.params or (config.params if config and not args.graph else None))
    if len(graph.inputs) != 1:
        raise OptionError(f"graph '{graph.name}' has {len(graph.inputs)} inputs; calibration feeds one")
    inputs = open_inputs(images, graph.inputs[0], config.preprocess if config else Preprocess())
    with Outputs("calibrate", force=args.force) as out:
        staged = out.file(output)
        table, report = calibrate(graph, inputs, observer, percentile=percentile, bits=args.bits,
                                  chunk=args.chunk, batch_size=batch_size, backend=args.backend)
        staged.write_bytes(table.dumps())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"calibrated {len(table.tensors)} tensors of '{graph.name}' on {report.samples} inputs with "
          f"{observer} ({args.backend}, chunk {args.chunk}) in {report.seconds:.2f} s; peak RSS {peak:.0f} MiB")
    print(f"wrote {output}")
    return 0
