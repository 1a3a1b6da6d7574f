"""Prove the C model of a trained Fashion-MNIST network bit-exact over the whole test set.

The network (a state_dict written by train.py) is compiled to the fused IR at batch --batch,
calibrated (min/max) on the first --calib training images, quantized with symmetry_max_t per
channel, emitted as C and built; then every batch of the 10k test images runs through the numpy
``*_t`` path and the C model, and every layer's every integer is compared. Prints the layers,
images and integers checked, any mismatch, and top-1 of the float IR and of the integer model.

    python projects/fashion_mnist/cmodel_proof.py fashion_out/fashion_cnn.pt [--model fashion_cnn] [-o DIR]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from frontc.ir.errors import FrontcError


def fused(state: str, name: str, batch: int):
    import torch

    import frontc
    from frontc.models.torch.fashion import FASHION_MODELS
    from frontc.passes import run_pipeline
    model = FASHION_MODELS[name]()
    model.load_state_dict(torch.load(state, map_location="cpu", weights_only=True))
    graph = frontc.load(model.eval(), "torch", input_shapes={"x": (batch, 1, 28, 28)})
    return run_pipeline(run_pipeline(graph, "reconstruct")[0], "cmodel")[0]


def prove(state: str, name: str, folder: Path, *, batch: int = 100, calib: int = 500,
          limit: int | None = None) -> dict[str, float]:
    """Check every layer and integer over the test set; returns the counts and accuracies."""
    from frontc.cmodel import CModel, build, emit
    from frontc.cmodel.verify import mismatches
    from frontc.datasets.fashion_mnist import load, normalize
    from frontc.interpreter import run
    from frontc.quant import quantize_graph

    graph = fused(state, name, batch)
    train, test = load("train"), load("test")
    table: dict[str, dict[str, float]] = {}

    def observe(node, values) -> None:
        for tensor, value in values.items():
            entry = table.setdefault(tensor, {"min": np.inf, "max": -np.inf})
            entry["min"], entry["max"] = min(entry["min"], float(value.min())), max(entry["max"], float(value.max()))

    for i in range(0, calib, batch):
        run(graph, normalize(train.images[i:i + batch]), observer=observe)
    q = quantize_graph(graph, table, "symmetry_max_t", weight_quan="perchannel")
    for file, data in emit(q).files.items():
        (folder / file).write_bytes(data)
    build(folder, opt="native")
    model = CModel(folder)
    count = len(test.images) if limit is None else limit
    stats = {"layers": len(q.nodes), "images": 0, "integers": 0, "mismatched_tensors": 0, "float_top1": 0,
             "int_top1": 0}
    out = graph.outputs[0]
    from tqdm import tqdm
    for i in tqdm(range(0, count - count % batch, batch), desc="C vs numpy", disable=None):
        x, labels = normalize(test.images[i:i + batch]), test.labels[i:i + batch]
        expected, got = run(q, x, trace=True), model.trace(x)
        wrong = mismatches(expected, got)
        for m in wrong:
            print("MISMATCH", i, m)
        stats["mismatched_tensors"] += len(wrong)
        stats["images"] += batch
        stats["integers"] += sum(v.size for k, v in expected.items() if k not in graph.input_names)
        stats["int_top1"] += int((got[out].argmax(axis=1) == labels).sum())
        stats["float_top1"] += int((run(graph, x)[out].argmax(axis=1) == labels).sum())
    stats["float_top1"] /= stats["images"]
    stats["int_top1"] /= stats["images"]
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state", help="a state_dict written by train.py (NAME.pt)")
    parser.add_argument("--model", default="fashion_cnn", help="fashion_cnn or fashion_resnet")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--calib", type=int, default=500)
    parser.add_argument("-o", "--output", help="keep the C model in this folder (default: a temporary one)")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(args.output or tmp)
            folder.mkdir(parents=True, exist_ok=True)
            stats = prove(args.state, args.model, folder, batch=args.batch, calib=args.calib)
    except FrontcError as exc:
        print(f"cmodel_proof: {exc}", file=sys.stderr)
        return 2
    print(stats)
    return 0 if stats["mismatched_tensors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
