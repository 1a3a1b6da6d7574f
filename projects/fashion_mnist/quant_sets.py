"""Write the Fashion-MNIST sets that configs/quant_fashion_cnn.yml reads: calibration inputs (the
first --calibration training images) and the 10k test images with their labels, normalized as the
networks were trained (frontc.datasets.fashion_mnist.normalize).

    python projects/fashion_mnist/quant_sets.py [-o build/fashion] [--calibration 1000] [--force]
"""
from __future__ import annotations

import argparse
import io
import sys

import numpy as np


def main(argv: list[str] | None = None) -> int:
    from frontc.datasets import fashion_mnist
    from frontc.ir.errors import FrontcError
    from frontc.outputs import Outputs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="build/fashion", help="output folder (default build/fashion)")
    parser.add_argument("--calibration", type=int, default=1000, help="training images to calibrate on")
    parser.add_argument("--force", action="store_true", help="replace existing files")
    args = parser.parse_args(argv)
    try:
        with Outputs("quant_sets", force=args.force) as out:
            calib, test = out.file(f"{args.output}/calib.npy"), out.file(f"{args.output}/test.npz")
            train = fashion_mnist.load("train")
            np.save(calib, fashion_mnist.normalize(train.images[:args.calibration]), allow_pickle=False)
            split = fashion_mnist.load("test")
            buffer = io.BytesIO()
            np.savez(buffer, x=fashion_mnist.normalize(split.images), labels=split.labels.astype(np.int64))
            test.write_bytes(buffer.getvalue())
    except FrontcError as exc:
        print(f"quant_sets: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}/calib.npy ({args.calibration} training images) and {args.output}/test.npz "
          f"(10,000 test images and labels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
