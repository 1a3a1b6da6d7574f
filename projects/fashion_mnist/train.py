"""Train the Fashion-MNIST CNN and small ResNet (frontc.models.torch.fashion), seeded, on the full
60k training images; report top-1 on the 10k test images; write per model a state_dict, a TorchScript
trace, an ONNX file and a training record (frontc.models.record) into the output folder.

    python projects/fashion_mnist/train.py [-o fashion_out] [--model fashion_cnn] [--epochs 2] [--force]

Then e.g. ``frontc compile torch fashion_out/fashion_cnn.torchscript.pt --input-shape x=1,1,28,28``.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from frontc.cli import run_script
from frontc.ir.errors import OptionError
from frontc.models.record import TrainingRecord, write_record


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from frontc.models.torch.fashion import FASHION_MODELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="fashion_out", help="output folder (default fashion_out)")
    parser.add_argument("--model", choices=sorted(FASHION_MODELS), action="append",
                        help="model(s) to train (default: both)")
    parser.add_argument("--epochs", type=int, default=2, help="training epochs (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and the shuffling (default 0)")
    parser.add_argument("--limit", type=int, help="train on the first N images only (for quick checks)")
    parser.add_argument("--force", action="store_true", help="replace existing outputs")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> list[TrainingRecord]:
    import torch

    from frontc.models.torch.fashion import FASHION_MODELS, INPUT_SHAPE
    from frontc.models.torch.training import artifact_names, evaluate, fashion_data, save_artifacts, train

    if args.epochs < 1:
        raise OptionError(f"--epochs {args.epochs}: must be at least 1")
    out = Path(args.output)
    names = args.model or sorted(FASHION_MODELS)
    if not args.force:
        taken = [str(out / f) for n in names for f in [*artifact_names(n).values(), f"{n}_record.json"]
                 if (out / f).exists()]
        if taken:
            raise OptionError(f"{taken[0]}: file exists", hint="choose another --output or pass --force")
    data = fashion_data(limit_train=args.limit)
    records = []
    for name in names:
        torch.manual_seed(args.seed)
        model = FASHION_MODELS[name]()
        start = time.perf_counter()
        train(model, data, args.epochs, seed=args.seed, progress=name)
        seconds = time.perf_counter() - start
        top1 = evaluate(model, data.test_x, data.test_y)
        files = save_artifacts(model, str(out), name, INPUT_SHAPE, overwrite=args.force)
        record = TrainingRecord(model=name, framework="torch", dataset="fashion-mnist", pattern="dense",
                                sparse_rate=0.0, top1=round(top1, 2),
                                training_date=datetime.now(UTC).strftime("%Y%m%d"),
                                input_shape=list(INPUT_SHAPE), epochs=args.epochs, seed=args.seed,
                                train_seconds=round(seconds, 1), files=files,
                                extra={"train_images": len(data.train_x), "threads": torch.get_num_threads()})
        write_record(out / f"{name}_record.json", record, overwrite=args.force)
        print(f"{name}: top-1 {top1:.2f}% on {len(data.test_x)} test images, {args.epochs} epochs in "
              f"{seconds:.0f} s -> {out / files['state_dict']}")
        records.append(record)
    return records


def main(argv: list[str] | None = None) -> int:
    return run_script("fashion_mnist/train", run, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
