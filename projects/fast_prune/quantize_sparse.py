"""Quantize fast_prune's compiled models (checklist step 6 on a sparse model) and measure top-1 on Fashion-MNIST.

    python projects/fast_prune/quantize_sparse.py fast_prune_out/fashion_cnn_unstructured_90_ir [...]

Each IR_fused_for_CModel is calibrated (KL thresholds) on the first ``--calib`` training images,
quantized with each strategy (``null``; ``scale_shift`` per layer, the FPGA column; ``symmetry_max`` per
channel, the ASIC column; and its true-integer ``symmetry_max_t``), and run in the numpy interpreter on
the first ``--test`` test images. The nnz of each quantized IR is printed beside the float IR's (a zero
weight quantizes to zero; rounding may zero a few more small weights).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from frontc.ir.errors import FrontcError

STRATEGIES = (("null", "perlayer"), ("scale_shift", "perlayer"), ("symmetry_max", "perchannel"),
              ("symmetry_max_t", "perchannel"))
BATCH = 250


def top1(graph, x: np.ndarray, y: np.ndarray) -> float:
    import frontc

    name = graph.inputs[0].name
    correct = 0
    for start in range(0, len(x), BATCH):
        (logits,) = frontc.run(graph, {name: x[start:start + BATCH]}).values()
        correct += int((np.asarray(logits).argmax(1) == y[start:start + BATCH]).sum())
    return 100.0 * correct / len(x)


def quantize_folder(folder: Path, calib: int, test: int) -> list[tuple[str, str, float, int]]:
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
        table, _ = calibrate(graph, ArrayInputs(Path(tmp) / "calib.npy", graph.inputs[0]), "kl", progress=False)
    ranges = {name: r.to_json() for name, r in table.tensors.items()}
    nnz = complexity(graph).nnz
    rows = []
    for strategy, granularity in STRATEGIES:
        qgraph = quantize_graph(graph, ranges, strategy, weight_quan=granularity)
        rows.append((strategy, granularity, top1(qgraph, x, y), complexity(qgraph).nnz))
        print(f"{folder.name:40} {strategy:15} {granularity:10} top-1 {rows[-1][2]:6.2f}% on {test} images, "
              f"nnz {rows[-1][3]} (float IR {nnz})", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="IR folders written by fast_prune.py (NAME_ir)")
    parser.add_argument("--calib", type=int, default=500, help="calibration images (default 500)")
    parser.add_argument("--test", type=int, default=10000, help="test images (default 10000, a multiple of 250)")
    args = parser.parse_args(argv)
    try:
        for folder in args.folders:
            quantize_folder(Path(folder), args.calib, args.test)
    except FrontcError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
