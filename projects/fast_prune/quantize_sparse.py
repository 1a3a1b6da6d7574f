"""Quantize fast_prune's compiled models (checklist step 6 on a sparse model) and measure top-1 on Fashion-MNIST.

    python projects/fast_prune/quantize_sparse.py fast_prune_out/fashion_cnn_unstructured_90_lamp_ir [...]

Each IR_fused_for_CModel is calibrated on the first ``--calib`` training images (``--observer``, default
``minmax``: the step-6 table that keeps the Fashion-MNIST CNN's float top-1, where ``kl`` clips its first
ReLU), quantized with each strategy (``null``, the float reference; ``symmetry_max`` per channel, the best
on this CNN and the ASIC column; its true-integer ``symmetry_max_t``; ``scale_shift`` per layer, the FPGA
column; ``minmax`` per channel) and run in the numpy interpreter on the first ``--test`` test images. The
nnz of each quantized IR is printed beside the float IR's (a zero weight quantizes to zero; rounding may
zero a few more small weights).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from frontc.cli import run_script
from frontc.ir.errors import OptionError

STRATEGIES = (("null", "perlayer"), ("symmetry_max", "perchannel"), ("symmetry_max_t", "perchannel"),
              ("scale_shift", "perlayer"), ("minmax", "perchannel"))
BATCH = 250


def top1(graph, x: np.ndarray, y: np.ndarray) -> float:
    import frontc

    name = graph.inputs[0].name
    correct = 0
    for start in range(0, len(x), BATCH):
        (logits,) = frontc.run(graph, {name: x[start:start + BATCH]}).values()
        correct += int((np.asarray(logits).argmax(1) == y[start:start + BATCH]).sum())
    return 100.0 * correct / len(x)


def quantize_folder(folder: Path, calib: int, test: int, observer: str) -> list[tuple[str, str, float, int]]:
    """(strategy, granularity, top-1 %, nnz) of each strategy on the IR in ``folder``."""
    from frontc.analysis.complexity import complexity
    from frontc.datasets import fashion_mnist
    from frontc.datasets.images import ArrayInputs
    from frontc.ir.batch import rebatch
    from frontc.ir.serialize import load_graph
    from frontc.quant.calibrate import calibrate
    from frontc.quant.quantize import quantize_graph

    graph, _ = rebatch(load_graph(folder / "IR_fused_for_CModel_graph.json"), BATCH)
    train, tests = fashion_mnist.load("train"), fashion_mnist.load("test")
    x = fashion_mnist.normalize(tests.images[:test])
    y = tests.labels[:test].astype(np.int64)
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / "calib.npy", fashion_mnist.normalize(train.images[:calib]))
        table, _ = calibrate(graph, ArrayInputs(Path(tmp) / "calib.npy", graph.inputs[0]), observer,
                             progress=False)
    nnz = complexity(graph).nnz
    rows = []
    for strategy, granularity in STRATEGIES:
        qgraph = quantize_graph(graph, table, strategy, weight_quan=granularity)
        rows.append((strategy, granularity, top1(qgraph, x, y), complexity(qgraph).nnz))
        print(f"{folder.name:40} {strategy:15} {granularity:10} top-1 {rows[-1][2]:6.2f}% on {test} images, "
              f"{observer} table of {calib}, nnz {rows[-1][3]} (float IR {nnz})", flush=True)
    return rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="IR folders written by fast_prune.py (NAME_ir)")
    parser.add_argument("--calib", type=int, default=1000, help="calibration images (default 1000)")
    parser.add_argument("--observer", default="minmax", help="calibration observer (default minmax)")
    parser.add_argument("--test", type=int, default=10000, help=f"test images (default 10000, a multiple of {BATCH})")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, list[tuple[str, str, float, int]]]:
    if args.test < BATCH or args.test % BATCH:
        raise OptionError(f"--test {args.test}: must be a positive multiple of {BATCH}")
    if args.calib < 1:
        raise OptionError(f"--calib {args.calib}: must be at least 1")
    return {folder: quantize_folder(Path(folder), args.calib, args.test, args.observer) for folder in args.folders}


def main(argv: list[str] | None = None) -> int:
    return run_script("fast_prune/quantize_sparse", run, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
