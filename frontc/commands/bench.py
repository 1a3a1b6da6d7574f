"""Evaluate every model of a bench suite in every runtime (and quantization strategy) on its data and
write OUT/results.csv (model, runtime, strategy, top1, top5, expected, drift, latency p50/p90,
throughput). Exit status 1 when an accuracy drifts from its expected value by more than the suite's
TOLERANCE (accuracy points) or a runtime fails; 2 when the run cannot start (unknown runtime or
strategy, a model or strategy without an expected entry, images that are not images).

Strategies: float, and the quantization strategies (minmax, scale_shift, symmetry_max, ...): the
fused IR is calibrated (minmax observer) on the model's own data, quantized, and run as an explicit
fake-quant float graph in each runtime; the *_t strategies run in integers, in the interpreter and the
C model (runtime cmodel) only, which runs nothing else. --record writes the measured accuracies as the expected
ones into a new suite file (of the first runtime's run).
"""
from __future__ import annotations

import argparse

from frontc.commands.common import add_force
from frontc.ir.errors import OptionError

DEFAULT_SUITE = "configs/bench_suite.yml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--suite", default=DEFAULT_SUITE, help=f"suite file ({DEFAULT_SUITE})")
    parser.add_argument("--models", help="comma-separated suite models (default: all)")
    parser.add_argument("--runtimes", help="comma-separated runtimes (default: all)")
    parser.add_argument("--strategies", default="float", help="comma-separated strategies (float)")
    parser.add_argument("--artifacts", help="folder of trained models the suite refers to as {artifacts}")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per runtime (1)")
    parser.add_argument("--record", metavar="SUITE_OUT", help="write the suite with the measured accuracies "
                        "as expected values to SUITE_OUT (nothing fails on drift then)")
    parser.add_argument("-o", "--out", default="bench_out", help="output folder (bench_out)")
    add_force(parser)


def main(args: argparse.Namespace) -> int:
    import csv
    import io
    import tempfile
    from pathlib import Path

    from frontc.evaluation.bench import CSV_COLUMNS, FLOAT, evaluate
    from frontc.evaluation.suite import load_suite
    from frontc.outputs import Outputs
    from frontc.quant import STRATEGIES
    from frontc.runtimes import INTEGER_RUNTIMES, RUNTIMES, check_runtime, limit_threads

    limit_threads(args.threads)
    suite = load_suite(args.suite, args.artifacts)
    runtimes = [check_runtime(r.strip()) for r in args.runtimes.split(",")] if args.runtimes else \
        list(dict.fromkeys(RUNTIMES + INTEGER_RUNTIMES))
    strategies = [s.strip() for s in args.strategies.split(",")]
    for strategy in strategies:
        if strategy != FLOAT and strategy not in STRATEGIES:
            raise OptionError(f"unknown strategy '{strategy}'", hint=f"choose from {[FLOAT, *STRATEGIES]}")
        integer = strategy.endswith("_t")
        if not any((r in INTEGER_RUNTIMES) if integer else r != "cmodel" for r in runtimes):
            raise OptionError(f"no runtime of {runtimes} runs strategy '{strategy}'",
                              hint="*_t strategies run in interpreter and cmodel; the others anywhere but cmodel")
    names = [m.strip() for m in args.models.split(",")] if args.models else [m.name for m in suite.models]
    known = {m.name: m for m in suite.models}
    for name in names:
        if name not in known:
            raise OptionError(f"model '{name}' is not in the suite", path=args.suite, hint=f"one of {sorted(known)}")
        known[name].check()
        for strategy in strategies:
            if not args.record and strategy not in known[name].expected:
                raise OptionError(f"no expected accuracy for model '{name}', strategy '{strategy}'",
                                  path=args.suite, hint="record one from a real run with --record SUITE_OUT")
    out = Outputs("bench", force=args.force)
    try:  # existing outputs are refused before any work
        out.file(Path(args.out) / "results.csv")
        if args.record:
            out.file(args.record)
    finally:
        out.abort()
    rows = []
    with tempfile.TemporaryDirectory(prefix="frontc-bench-") as tmp:
        for name in names:
            for row in evaluate(known[name], runtimes, strategies, Path(tmp)):
                rows.append(row)
                print(f"{row.model} {row.runtime} {row.strategy}: " + (
                    f"top-1 {row.top1:.2f}% top-5 {row.top5:.2f}% p50 {row.latency['p50']:.2f} ms"
                    if row.error is None else f"failed: {row.error}"), flush=True)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(row.csv() for row in rows)
    with Outputs("bench", force=args.force) as session:
        session.write(Path(args.out) / "results.csv", text.getvalue())
        if args.record:
            for model in suite.models:
                for row in rows:
                    if row.model == model.name and row.error is None and row.strategy not in model.expected:
                        model.expected[row.strategy] = {"top1": round(row.top1, 2), "top5": round(row.top5, 2)}
            session.write(args.record, suite.to_yaml())
    failed = [r for r in rows if r.error is not None]
    drifted = [] if args.record else [r for r in rows if r.error is None and r.drift() > suite.tolerance + 1e-9]
    for r in drifted:
        print(f"DRIFT {r.model} {r.runtime} {r.strategy}: top-1 {r.top1:.2f}% (expected {r.expected['top1']:.2f}), "
              f"top-5 {r.top5:.2f}% (expected {r.expected['top5']:.2f}), tolerance {suite.tolerance:g}")
    print(f"wrote {args.out}/results.csv: {len(rows)} rows, {len(drifted)} drifted, {len(failed)} failed")
    return 1 if drifted or failed else 0
