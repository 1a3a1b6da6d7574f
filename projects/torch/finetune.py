"""Fine-tune a reconstructed model in PyTorch (checklist step 5's IR -> torch, trainable) on Fashion-MNIST,
write the weights back into the IR, compile it again, and show top-1 before and after.

    python projects/fashion_mnist/train.py -o fashion_out --model fashion_cnn     # a trained starting point
    python projects/torch/finetune.py fashion_out/fashion_cnn.torchscript.pt -o torch_finetune_out

The model file (TorchScript or ONNX, 1x1x28x28 input) is compiled; IR_for_reconstruct is rebuilt with
``to_torch``, trained ``--epochs`` epochs (SGD, cosine learning rate from ``--lr``), written back with
``write_back``, compiled again (both IRs written to the output folder), and the fused IR is evaluated
in its own torch reconstruction, and on the first 200 test images in the numpy interpreter too.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from frontc.cli import run_script
from frontc.ir.errors import OptionError

INPUT_SHAPE = (1, 1, 28, 28)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a TorchScript (.pt) or ONNX (.onnx) Fashion-MNIST model")
    parser.add_argument("-o", "--output", default="torch_finetune_out", help="folder for the new IRs")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--limit", type=int, help="train and test on the first N images (quick checks)")
    parser.add_argument("--force", action="store_true", help="replace IR files in the output folder")
    return parser.parse_args(argv)


def load_ir(path: str):
    """IR_for_reconstruct of a TorchScript or ONNX file."""
    import frontc
    from frontc.compiler import compile_graph

    framework = "onnx" if path.endswith(".onnx") else "torch"
    return compile_graph(frontc.load(path, framework, input_shapes={"data": INPUT_SHAPE})).reconstruct


def interpreter_top1(graph, x: np.ndarray, y: np.ndarray) -> float:
    import frontc

    (logits,) = frontc.run(graph, {graph.inputs[0].name: x}).values()
    return 100.0 * float((logits.argmax(1) == y).mean())


def run(args: argparse.Namespace) -> dict[str, float]:

    from frontc.backends.torch import to_torch, write_back
    from frontc.compiler import compile_graph, write_ir
    from frontc.ir.batch import rebatch
    from frontc.models.torch.training import evaluate, fashion_data, train

    if args.epochs < 1:
        raise OptionError(f"--epochs {args.epochs}: must be at least 1")
    graph = load_ir(args.model)
    data = fashion_data(limit_train=args.limit, limit_test=args.limit)
    module = to_torch(graph)
    before = evaluate(module, data.test_x, data.test_y)
    train(module, data, args.epochs, lr=args.lr, progress="fine-tuning the torch reconstruction")
    tuned = evaluate(module, data.test_x, data.test_y)
    result = compile_graph(write_back(graph, module))
    write_ir(result, args.output, overwrite=args.force, render=False)
    after = evaluate(to_torch(result.cmodel), data.test_x, data.test_y)
    n = min(200, len(data.test_x))
    small, _ = rebatch(result.cmodel, n)
    check = interpreter_top1(small, data.test_x[:n].numpy(), data.test_y[:n].numpy())
    torch_check = evaluate(to_torch(result.cmodel), data.test_x[:n], data.test_y[:n])
    print(f"top-1 on {len(data.test_x)} test images: IR before {before:.2f}%, fine-tuned module {tuned:.2f}%, "
          f"IR_fused_for_CModel after write-back and compile {after:.2f}%; first {n} images: interpreter "
          f"{check:.2f}%, torch {torch_check:.2f}%; IRs in {Path(args.output)}")
    return {"before": before, "tuned": tuned, "after": after, "interpreter": check, "torch_check": torch_check}


def main(argv: list[str] | None = None) -> int:
    return run_script("torch/finetune", run, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
