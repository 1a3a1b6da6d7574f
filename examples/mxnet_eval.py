"""Checklist step 1: top-1 / top-5 of an MXNet checkpoint, run by MXNet itself, on a folder of labelled images
(files named NAME_<class index>.jpg, as foolbox's ImageNet samples are).

    python examples/mxnet_eval.py --prefix resnet50v1b --epoch 0 --images IMAGE_DIR \
        [--input-shape 1,3,224,224] [--resize 256 --crop 224 --mean 123.68,116.78,103.94 --std 58.4,57.12,57.38]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", required=True, help="checkpoint prefix (PREFIX-symbol.json, PREFIX-%%04d.params)")
    parser.add_argument("--epoch", type=int, default=0, help="checkpoint epoch (default 0)")
    parser.add_argument("--images", required=True, help="folder of images named NAME_<class>.jpg")
    parser.add_argument("--input-shape", default="1,3,224,224", help="N,C,H,W of the data input")
    parser.add_argument("--resize", type=int, help="shorter side resized to this")
    parser.add_argument("--crop", type=int, help="center crop after the resize")
    parser.add_argument("--mean", default="0", help="per-channel mean of 0-255 pixels (default 0)")
    parser.add_argument("--std", default="1", help="per-channel std of 0-255 pixels (default 1)")
    return parser.parse_args(argv)


def evaluate(args: argparse.Namespace) -> tuple[float, float, int]:
    """(top-1, top-5, images) of the checkpoint on the folder."""
    from frontc.compat.mxnet_env import import_mxnet
    from frontc.datasets.images import image_folder, open_inputs
    from frontc.datasets.preprocess import Preprocess
    from frontc.evaluation.spec import label_of
    from frontc.ir.errors import OptionError
    from frontc.ir.graph import TensorSpec

    mx = import_mxnet()
    shape = tuple(int(d) for d in args.input_shape.split(","))
    files = image_folder(args.images)
    labels = np.asarray([label_of(Path(f)) if label_of(Path(f)) is not None else -1 for f in files])
    if (labels < 0).any():
        raise OptionError(f"image '{files[int(np.argmax(labels < 0))]}' has no class in its name",
                          hint="name images NAME_<class index>.jpg")
    preprocess = Preprocess.from_config({"resize": args.resize, "crop": args.crop,
                                         "mean": [float(v) for v in args.mean.split(",")],
                                         "std": [float(v) for v in args.std.split(",")]})
    inputs = open_inputs(args.images, TensorSpec("data", shape), preprocess)
    net = mx.gluon.SymbolBlock.imports(f"{args.prefix}-symbol.json", ["data"], f"{args.prefix}-{args.epoch:04d}.params")
    top1 = top5 = 0
    for i, label in enumerate(labels):
        scores = net(mx.nd.array(inputs.sample(i)[None])).asnumpy().reshape(-1)
        ranked = np.argsort(-scores, kind="stable")[:5]
        top1 += int(ranked[0] == label)
        top5 += int(label in ranked)
    return top1 / len(labels), top5 / len(labels), len(labels)


def main(argv: list[str] | None = None) -> int:
    from frontc.ir.errors import FrontcError
    try:
        top1, top5, count = evaluate(parse_args(argv))
    except FrontcError as exc:
        print(f"mxnet_eval: error: {exc}", file=sys.stderr)
        return 2
    print(f"top-1 {100 * top1:.2f}%, top-5 {100 * top5:.2f}% on {count} images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
