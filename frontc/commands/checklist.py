"""Run the model checklist (steps 1-8 the config enables) and write checklist.md, checklist.json, card.yaml.

MODEL_OR_CONFIG: a catalog model ([framework:]name, e.g. resnet50_v1b, torch:efficientnet_lite0;
the source framework computes the reference output), a model file, or a YAML config from configs/.
Steps: 1 get the model, 2 sparse training record (SPARSE), 3 compile (moffett_ir/), 4 complexity,
5 PyTorch and TensorFlow reconstruction of both IRs with the distance check, 6 quantization (QUAN),
7 performance model of the quantized IR (PERF.hardware, default configs/hardware/example_accelerator.yaml),
8 fast prune (FAST_PRUNE; --submit also submits its sparse versions). A step whose inputs did not change
since the last run into the same folder is reused (the folder is the checklist's own: one an earlier
run wrote is updated step by step; any other non-empty folder needs --force). Exit status 1 when a
step failed (its reason is in the table); --submit then submits nothing.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from frontc.checklist.runner import THRESHOLD, parse_steps, run_checklist
from frontc.commands.common import add_force, in_range
from frontc.ir.errors import OutputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL_OR_CONFIG", nargs="?", default="resnet50_v1b",
                        help="catalog model, model file or YAML config (default: resnet50_v1b)")
    parser.add_argument("-o", "--output", default="checklist_out", help="output folder (default: checklist_out)")
    parser.add_argument("--threshold", type=in_range(float), default=THRESHOLD,
                        help="largest accepted rel_max (1e-3)")
    parser.add_argument("--steps", help="run only these steps, e.g. 3,4 (default: every enabled step)")
    parser.add_argument("--no-reuse", action="store_true", help="rerun steps even when their inputs did not change")
    parser.add_argument("--submit", action="store_true", help="when every step passed, submit the folder to the zoo")
    parser.add_argument("--zoo", help="zoo root for --submit (default: $FRONTC_ZOO, else ./MODEL_ZOO)")
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    from frontc.zoo.layout import zoo_root
    root = zoo_root(args.zoo) if args.submit else None  # a bad zoo path fails before any work
    report = run_checklist(args.model, Path(args.output), threshold=args.threshold, steps=parse_steps(args.steps),
                           reuse=not args.no_reuse, force=args.force)
    print((Path(args.output) / "checklist.md").read_text())
    if not report.passed:
        if args.submit:
            print("not submitted to the zoo: a step failed")
        return 1
    if root is not None:
        from frontc.zoo.store import folder_submission, submit, target_of
        versions = [folder_submission(Path(args.output))] + fast_prune_versions(report)
        for _, card in versions:  # every version is checked free before the first is written
            target, version = target_of(root, card, card.get("version"))
            if target.exists():
                raise OutputError(f"zoo version {card['model']}/{version} already exists", path=str(target),
                                  hint="versions are never overwritten; nothing was submitted")
        for files, card in versions:
            entry = submit(root, files, card, version=card.get("version"))
            print(f"submitted {entry.key} to {root}")
    return 0


def fast_prune_versions(report) -> list:
    """(files, card) of step 8's sparse versions (none when step 8 did not run)."""
    step = report.steps.get("fast prune")
    if step is None or not step.ok:
        return []
    return [({name: Path(path) for name, path in v["files"].items()}, v["card"]) for v in step.data["versions"]]
