"""gluoncv detectors, heads included, through frontc and back: CenterNet, YOLOv3 and SSD built with
pretrained=False and seeded weights, hybridized and exported, compiled by the MXNet frontend to both
IRs, run by the interpreter and rebuilt in PyTorch and TensorFlow; every output (class ids, scores,
boxes) is compared with MXNet's own on a seeded input.

    python examples/test_gluoncv_centernet_rt.py [--models centernet_resnet18_v1b_voc ...] [--out DIR] [--force]

Prints max|diff| / max|MXNet| per model, output and runtime ("exact" when equal); exits with status 1
when any is over --threshold (default 1e-5) or a class id differs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

DEFAULT = ["centernet_resnet18_v1b_voc", "yolo3_mobilenet1.0_voc", "ssd_512_resnet18_v1_voc"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=DEFAULT,
                        help=f"detectors of frontc.models.detection, or tiny_detector (default: {' '.join(DEFAULT)})")
    parser.add_argument("--out", default="gluoncv_rt", help="folder for the exported models and IRs")
    parser.add_argument("--threshold", type=float, default=1e-5, help="largest relative distance accepted")
    parser.add_argument("--force", action="store_true", help="replace the files of an earlier run in --out")
    return parser.parse_args(argv)


def round_trip(name: str, out: Path, force: bool) -> dict[str, list[float]]:
    """Relative distance to MXNet of every output, per runtime (IR, fused IR, torch, tf)."""
    import frontc
    from frontc.analysis.distance import distance
    from frontc.backends.tf import run_keras, to_keras
    from frontc.backends.torch import run_torch, to_torch
    from frontc.catalog.mxnet_cases import detection_case
    from frontc.compiler import compile_graph, write_ir
    from frontc.frontends.mxnet.gluon import export_block

    case = detection_case(name)
    prefix = export_block(case.source, list(case.input_shapes.values()), out, name)  # hybridize + export
    result = compile_graph(frontc.load(prefix, "mxnet", input_shapes=case.input_shapes))
    write_ir(result, out / f"{name}_ir", overwrite=force, render=False)
    runs = {"IR": frontc.run(result.reconstruct, case.feeds), "fused IR": frontc.run(result.cmodel, case.feeds),
            "torch": run_torch(to_torch(result.reconstruct), case.feeds),
            "tf": run_keras(to_keras(result.reconstruct), case.feeds)}
    table = {}
    for runtime, outputs in runs.items():
        values = list(outputs.values())
        table[runtime] = [0.0 if np.array_equal(v, r) else distance(v, r).rel_max
                          for v, r in zip(values, case.reference)]
    return table


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"error: {out} is not empty; pass --force to replace its files, or another --out", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    worst = 0.0
    for name in args.models:
        for runtime, distances in round_trip(name, out, args.force).items():
            cells = "  ".join("exact" if d == 0 else f"{d:.1e}" for d in distances)
            print(f"{name:28s} {runtime:9s} {cells}")
            # the first output is the class ids (SSD, YOLOv3) or classes (CenterNet): they must be equal
            worst = max([worst, *distances[1:], np.inf if distances[0] else 0.0])
    print(f"worst relative distance {worst:.1e} (threshold {args.threshold:g})")
    return 0 if worst <= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
