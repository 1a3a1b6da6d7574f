"""Train a small Keras CNN on the 60k Fashion-MNIST training images (seeded, TensorFlow on CPU), report
top-1 on the 10k test images and save it as a .keras file: the TF/Keras model of step 6
(configs/quant_tf_fashion_cnn.yml).

    python projects/fashion_mnist/train_keras.py [-o build/fashion] [--epochs 2] [--force]

Then ``frontc compile tf build/fashion/fashion_keras_cnn.keras -o build/fashion_keras/moffett_ir``.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from frontc.cli import run_script
from frontc.ir.errors import OptionError

NAME = "fashion_keras_cnn.keras"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="build/fashion", help="output folder (default build/fashion)")
    parser.add_argument("--epochs", type=int, default=2, help="training epochs (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and the shuffling (default 0)")
    parser.add_argument("--force", action="store_true", help="replace an existing model file")
    return parser.parse_args(argv)


def build_model():
    """(Conv-BN-ReLU, max pool) x 2, Flatten, Dense-ReLU and a Dense classifier (NHWC, 28x28x1)."""
    import keras
    layers = keras.layers
    x = inputs = keras.Input((28, 28, 1), name="x")
    for width in (16, 32):
        x = layers.Conv2D(width, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Dense(64, activation="relu")(layers.Flatten()(x))
    return keras.Model(inputs, layers.Dense(10, name="logits")(x), name="fashion_keras_cnn")


def run(args: argparse.Namespace) -> float:
    if args.epochs < 1:
        raise OptionError(f"--epochs {args.epochs}: must be at least 1")
    path = Path(args.output) / NAME
    if path.exists() and not args.force:
        raise OptionError(f"{path}: file exists", hint="choose another --output or pass --force")
    import keras
    import numpy as np

    from frontc.datasets import fashion_mnist

    keras.utils.set_random_seed(args.seed)
    train, test = fashion_mnist.load("train"), fashion_mnist.load("test")
    nhwc = [fashion_mnist.normalize(s.images).transpose(0, 2, 3, 1) for s in (train, test)]
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    start = time.perf_counter()
    model.fit(nhwc[0], train.labels.astype(np.int64), batch_size=128, epochs=args.epochs, verbose=0, shuffle=True)
    seconds = time.perf_counter() - start
    logits = model.predict(nhwc[1], batch_size=500, verbose=0)
    top1 = float((logits.argmax(1) == test.labels).mean())
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.stem}-{os.getpid()}.keras")  # written whole, then moved in
    try:
        model.save(staged)
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)
    print(f"fashion_keras_cnn: top-1 {100 * top1:.2f}% on {len(test.labels)} test images, {args.epochs} epochs "
          f"in {seconds:.0f} s -> {path}")
    return top1


def main(argv: list[str] | None = None) -> int:
    return run_script("fashion_mnist/train_keras", run, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
