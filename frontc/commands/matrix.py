"""Convert each MODEL from its source framework into every target through the IR, run the same
images through each, and write OUT/matrix.json, OUT/matrix.md, top-1/top-5 agreement heatmaps per
model and an error log per failed target (its pairs stay in the matrix, marked failed).

MODEL: a catalog name ([framework:]name, e.g. torch:efficientnet_lite0) or a YAML config with MODEL
(framework + name | path, input_shape) and PREPROCESS (resize, crop, mean, std, color). Targets:
source (the original framework), interpreter, torch, tf, tflite, onnxruntime, mxnet, tvm.
Exit status 1 when any pair's top-1 agreement is below --threshold or any pair failed.
"""
from __future__ import annotations

import argparse

from frontc.commands.common import add_force
from frontc.ir.errors import OptionError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("models", nargs="+", metavar="MODEL", help="catalog name or YAML config")
    parser.add_argument("--images", required=True, help="folder of JPEG/PNG images (the same for every target)")
    parser.add_argument("-o", "--out", default="matrix_out", help="output folder (matrix_out)")
    parser.add_argument("--targets", help="comma-separated targets (default: all of them)")
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads each runtime may use (1: latencies comparable across runtimes)")
    parser.add_argument("--threshold", type=float, default=1.0,
                        help="least top-1 agreement accepted for every pair, 0-1 (1.0)")
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    from pathlib import Path

    from frontc.datasets.images import image_folder
    from frontc.evaluation.matrix import TARGETS, model_matrix
    from frontc.evaluation.report import write_reports
    from frontc.evaluation.spec import resolve_spec
    from frontc.outputs import Outputs
    from frontc.runtimes import check_runtime, limit_threads

    targets = [t.strip() for t in args.targets.split(",")] if args.targets else list(TARGETS)
    targets = [t if t == "source" else check_runtime(t) for t in targets]
    if not 0 <= args.threshold <= 1:
        raise OptionError(f"--threshold {args.threshold} is not within 0-1")
    limit_threads(args.threads)
    image_folder(args.images)  # non-images or an empty folder: refused before any work
    check = Outputs("matrix", force=args.force)
    try:  # an existing report: refused before any work
        check.file(Path(args.out) / "matrix.json")
    finally:
        check.abort()
    specs = [resolve_spec(text) for text in args.models]
    models = []
    for spec in specs:
        matrix = model_matrix(spec, args.images, targets, progress=True)
        models.append(matrix)
        failed = [r.target for r in matrix.runs if not r.ok]
        print(f"{spec.name}: {len(matrix.images)} images x {len(targets)} targets"
              + (f", failed: {', '.join(failed)}" if failed else ""))
    write_reports(models, args.out, args.threshold, args.force)
    bad = [(m.name, a, b, v) for m in models for a, b, v in m.below(args.threshold)]
    failed_pairs = sum(len(m.failed_pairs()) for m in models)
    for name, a, b, v in bad:
        print(f"{name}: {a} vs {b}: top-1 agreement {v:.1%} < {args.threshold:.0%}")
    print(f"wrote {args.out}/matrix.json, matrix.md and heatmaps; {len(bad)} pair(s) below the threshold, "
          f"{failed_pairs} failed")
    return 1 if bad or failed_pairs else 0
