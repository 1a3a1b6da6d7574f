"""Fine-tune a reconstructed model in TensorFlow/Keras (IR -> Keras, trainable) on Fashion-MNIST, write the
weights back into the IR, compile it again, and show top-1 before and after.

    python projects/fashion_mnist/train.py -o fashion_out --model fashion_cnn     # a trained starting point
    python projects/tensorflow/finetune.py fashion_out/fashion_cnn.onnx -o tf_finetune_out

The model file (ONNX or TorchScript, 1x1x28x28 input) is compiled; IR_for_reconstruct is re-specialized to
the batch size and rebuilt with ``to_keras``, trained ``--epochs`` epochs with ``model.fit`` (SGD with
Nesterov momentum), written back with ``params_from_keras``, compiled again (both IRs written to the
output folder), and the fused IR is evaluated in its own Keras rebuild and, on the first 200 test images,
in the numpy interpreter.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from frontc.cli import run_script
from frontc.ir.errors import OptionError

BATCH = 100


def _torch_project():
    path = Path(__file__).resolve().parents[1] / "torch" / "finetune.py"
    spec = importlib.util.spec_from_file_location("torch_finetune", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="an ONNX (.onnx) or TorchScript (.pt) Fashion-MNIST model")
    parser.add_argument("-o", "--output", default="tf_finetune_out", help="folder for the new IRs")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--limit", type=int, help="train and test on the first N images (a multiple of 100)")
    parser.add_argument("--force", action="store_true", help="replace IR files in the output folder")
    return parser.parse_args(argv)


def keras_top1(graph, x, y) -> float:
    """Top-1 in percent of ``graph`` rebuilt in Keras at batch BATCH."""
    import numpy as np

    from frontc.backends.tf import to_keras
    from frontc.ir.batch import rebatch

    model = to_keras(rebatch(graph, BATCH)[0])
    logits = model.predict(x, batch_size=BATCH, verbose=0)
    return 100.0 * float((np.argmax(logits, 1) == y).mean())


def run(args: argparse.Namespace) -> dict[str, float]:
    import keras

    from frontc.backends.tf import to_keras
    from frontc.backends.tf.model import params_from_keras
    from frontc.compiler import compile_graph, write_ir
    from frontc.ir.batch import rebatch
    from frontc.models.torch.training import fashion_data

    if args.epochs < 1:
        raise OptionError(f"--epochs {args.epochs}: must be at least 1")
    if args.limit is not None and (args.limit < BATCH or args.limit % BATCH):
        raise OptionError(f"--limit {args.limit}: must be a positive multiple of {BATCH}")
    project = _torch_project()
    graph = project.load_ir(args.model)
    data = fashion_data(limit_train=args.limit, limit_test=args.limit)
    x, y = data.train_x.numpy(), data.train_y.numpy()
    tx, ty = data.test_x.numpy(), data.test_y.numpy()
    batched, _ = rebatch(graph, BATCH)
    keras.utils.set_random_seed(0)
    model = to_keras(batched)
    before = keras_top1(graph, tx, ty)
    model.compile(optimizer=keras.optimizers.SGD(args.lr, momentum=0.9, nesterov=True),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=BATCH, epochs=args.epochs, shuffle=True, verbose=1 if sys.stdout.isatty() else 2)
    updated = graph.copy()
    updated.params = {**graph.params, **params_from_keras(batched, model)}
    result = compile_graph(updated)
    write_ir(result, args.output, overwrite=args.force, render=False)
    after = keras_top1(result.cmodel, tx, ty)
    n = min(200, len(tx))
    small, _ = rebatch(result.cmodel, n)
    check = project.interpreter_top1(small, tx[:n], ty[:n])
    print(f"top-1 on {len(tx)} test images: IR before {before:.2f}%, IR_fused_for_CModel after Keras fine-tuning, "
          f"write-back and compile {after:.2f}%; first {n} images in the interpreter {check:.2f}%; IRs in "
          f"{Path(args.output)}")
    return {"before": before, "after": after, "interpreter": check}


def main(argv: list[str] | None = None) -> int:
    return run_script("tensorflow/finetune", run, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
