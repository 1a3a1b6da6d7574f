"""Run the model checklist end to end and write checklist.md and checklist.json.

MODEL_OR_CONFIG: a built-in model ([framework:]name, e.g. resnet50_v1b, torch:efficientnet_lite0;
the source framework computes the reference output), a model file, or a YAML config from configs/.
Steps: get the model, compile (moffett_ir/), complexity, PyTorch and TensorFlow reconstruction of both
IRs with the distance check. Exit status 1 when a step failed (its reason is in the table).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from frontc.checklist.runner import THRESHOLD, run_checklist
from frontc.commands.common import add_force, in_range


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL_OR_CONFIG", nargs="?", default="resnet50_v1b",
                        help="built-in model, model file or YAML config (default: resnet50_v1b)")
    parser.add_argument("-o", "--output", default="checklist_out", help="output folder (default: checklist_out)")
    parser.add_argument("--threshold", type=in_range(float), default=THRESHOLD,
                        help="largest accepted rel_max (1e-3)")
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    report = run_checklist(args.model, Path(args.output), threshold=args.threshold, force=args.force)
    print((Path(args.output) / "checklist.md").read_text())
    return 0 if report.passed else 1
