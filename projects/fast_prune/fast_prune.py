"""Fast prune (checklist step 8): train the Fashion-MNIST CNN and small ResNet dense, then sparse with
frontc.prune.Prune (50 / 75 / 90 / 93.75% unstructured and 2:4, polynomial schedule), compile each, and
write the checklist's step-2 table with nnz, sparsity and dense / sparse MFLOPs of the compiled IR; beside
it, torch.nn.utils.prune global magnitude pruning with the same schedule and training budget.

    python projects/fast_prune/fast_prune.py [-o fast_prune_out] [--scope lamp,global,layer] [--force]

Every sparse run starts from the dense weights and trains ``--sparse-epochs`` epochs with a cosine learning
rate from ``--lr`` (the dense training's 0.05: a fine-tune at 0.01 lost 0.4-0.9 points at 90%): masks rise
along the schedule during the first epoch (an update every ``--frequency`` steps), then stay fixed for the
rest (recovery). Unstructured runs share the rate over the pruned layers by LAMP scores (``--scope``):
the same rate in every layer (``layer``) over-prunes the small convolutions that carry most of the MACs.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from frontc.cli import run_script
from frontc.ir.errors import OptionError
from frontc.ir.sparsity import parse_pattern
from frontc.models.record import TrainingRecord, write_record
from frontc.prune.prune import SCOPES, check_rate

RUNS = (("unstructured", 50.0), ("unstructured", 75.0), ("unstructured", 90.0), ("unstructured", 93.75),
        ("2:4", 50.0))
RULES = {"ops": ("conv", "dense"), "skip_first_conv": True, "skip_classifier": True}
COLUMNS = ("model", "pruner", "pattern", "sparse rate", "acc top1", "vs dense", "training date", "input_shape",
           "nnz/sparsity", "flops dense/sp M", "nnz = mask")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="fast_prune_out", help="output folder (default fast_prune_out)")
    parser.add_argument("--model", action="append", choices=("fashion_cnn", "fashion_resnet"),
                        help="model(s) (default both)")
    parser.add_argument("--epochs", type=int, default=2, help="dense training epochs (default 2)")
    parser.add_argument("--sparse-epochs", type=int, default=2, help="epochs of each sparse run (default 2)")
    parser.add_argument("--lr", type=float, default=0.05,
                        help="peak (cosine) learning rate of each sparse run, frontc and torch alike (default 0.05, "
                        "the dense training's)")
    parser.add_argument("--frequency", type=int, default=25, help="steps between mask updates (default 25)")
    parser.add_argument("--schedule", default="polynomial", help="constant, linear or polynomial (default)")
    parser.add_argument("--scope", default="lamp",
                        help="comma-separated scopes of the unstructured runs, each a row: lamp (default: one "
                        "threshold on LAMP scores), global (one magnitude threshold), layer (every layer the rate)")
    parser.add_argument("--runs", help="comma-separated PATTERN@RATE, e.g. unstructured@90,2:4@50 (default: all)")
    parser.add_argument("--torch-prune-rates", default="90",
                        help="comma-separated unstructured rates that also run the torch.nn.utils.prune baseline "
                        "(default 90; '' for none)")
    parser.add_argument("--baseline-only", action="store_true",
                        help="run only the torch.nn.utils.prune baseline of the --torch-prune-rates")
    parser.add_argument("--limit", type=int, help="train and test on the first N images (quick checks)")
    parser.add_argument("--dense", help="a folder of an earlier fast_prune or fashion_mnist/train.py run: load "
                        "its MODEL_dense.pt or MODEL.pt instead of training")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace an existing output folder's files")
    return parser.parse_args(argv)


def parse_runs(text: str | None) -> list[tuple[str, float]]:
    if not text:
        return list(RUNS)
    runs = []
    for item in text.split(","):
        pattern, sep, rate = item.partition("@")
        try:
            runs.append((pattern, float(rate)))
        except ValueError:
            raise OptionError(f"--runs {item}: expected PATTERN@RATE such as unstructured@90") from None
        if not sep:
            raise OptionError(f"--runs {item}: expected PATTERN@RATE such as unstructured@90")
    for pattern, rate in runs:
        fixed = parse_pattern(pattern).fixed_rate
        check_rate(f"{pattern}@{rate:g}", rate / 100)
        if fixed is not None and rate != 100 * fixed:
            raise OptionError(f"--runs {pattern}@{rate:g}: pattern {pattern} prunes exactly {fixed}",
                              hint=f"write {pattern}@{100 * fixed:g}")
    return runs


def unmasked(model, masks: dict) -> int:
    """Weights of the Conv/Dense layers that no mask prunes (the nnz the IR must have)."""
    return sum(int(masks[n].sum()) if n in masks else p.numel() for n, p in model.named_parameters()
               if n.endswith("weight") and p.dim() > 1)


def compile_and_measure(model, patterns: dict, folder: Path, name: str, force: bool) -> dict:
    """Save the model, compile its TorchScript file with frontc (pattern recorded), write both IRs, and
    return nnz, sparsity and MFLOPs of IR_for_reconstruct (as ``frontc complexity`` prints them)."""
    import frontc
    from frontc.analysis.complexity import complexity
    from frontc.compiler import compile_graph, write_ir
    from frontc.models.torch.fashion import INPUT_SHAPE
    from frontc.models.torch.training import save_artifacts
    from frontc.prune.annotate import annotate

    files = save_artifacts(model, str(folder), name, INPUT_SHAPE, overwrite=force)
    graph = frontc.load(str(folder / files["torchscript"]), "torch", input_shapes={"data": INPUT_SHAPE})
    result = compile_graph(annotate(graph, patterns))
    write_ir(result, folder / f"{name}_ir", overwrite=force, render=False)
    cost = complexity(result.reconstruct)
    fused = complexity(result.cmodel)
    return {"files": files, "nnz": cost.nnz, "weights": cost.counted, "sparsity": cost.sparsity,
            "dense_mflops": cost.dense_flops / 1e6, "sparse_mflops": cost.sparse_flops / 1e6,
            "cmodel_nnz": fused.nnz}


def torch_prune_run(model, data, rate: float, args, steps: int):
    """torch.nn.utils.prune global L1 magnitude on the same layers, on the same schedule points."""
    from torch import nn
    from torch.nn.utils import prune as torch_prune

    from frontc.models.torch.training import train
    from frontc.prune.schedule import progress, sparsity_at

    names = set(_prune_dict(model, rate))
    targets = [(m, "weight") for n, m in model.named_modules() if f"{n}.weight" in names
               and isinstance(m, (nn.Conv2d, nn.Linear))]
    total = sum(m.weight.numel() for m, _ in targets)
    state = {"step": 0}

    def after_step() -> None:
        p = progress(state["step"], 0, steps, args.frequency)
        if p is not None:
            pruned = sum(int((m.weight_mask == 0).sum()) for m, _ in targets) if state["step"] else 0
            amount = round(sparsity_at(rate / 100, p, args.schedule) * total) - pruned
            if amount > 0:
                torch_prune.global_unstructured(targets, pruning_method=torch_prune.L1Unstructured, amount=amount)
        state["step"] += 1

    train(model, data, args.sparse_epochs, lr=args.lr, seed=args.seed, after_step=after_step,
          progress="torch.nn.utils.prune")
    masks = {f"{n}.weight": m.weight_mask.numpy() for n, m in model.named_modules() if hasattr(m, "weight_mask")}
    for module, name in targets:
        torch_prune.remove(module, name)
    return masks


def _prune_dict(model, rate: float) -> dict:
    from frontc.prune import generate_prune_dict

    return generate_prune_dict(model, rate / 100, RULES)


def run(args: argparse.Namespace) -> list[dict]:
    import copy

    import torch

    from frontc.models.torch.fashion import FASHION_MODELS, INPUT_SHAPE
    from frontc.models.torch.training import evaluate, fashion_data, steps_per_epoch, train
    from frontc.prune import Prune

    runs = parse_runs(args.runs)
    scopes = [s.strip() for s in args.scope.split(",") if s.strip()]
    for scope in scopes:
        if scope not in SCOPES:
            raise OptionError(f"--scope {scope}: unknown", hint=f"use one or more of {', '.join(SCOPES)}")
    try:
        baseline_rates = {float(r) for r in args.torch_prune_rates.split(",") if r.strip()}
    except ValueError:
        raise OptionError(f"--torch-prune-rates {args.torch_prune_rates}: expected numbers such as 90,75") from None
    for option in ("epochs", "sparse_epochs"):
        if getattr(args, option) < 1:
            raise OptionError(f"--{option.replace('_', '-')} {getattr(args, option)}: must be at least 1")
    if not args.lr > 0:
        raise OptionError(f"--lr {args.lr}: must be a positive learning rate")
    out = Path(args.output)
    if (out / "fast_prune.md").exists() and not args.force:
        raise OptionError(f"{out / 'fast_prune.md'}: file exists", hint="choose another --output or pass --force")
    data = fashion_data(limit_train=args.limit, limit_test=args.limit)
    steps = steps_per_epoch(data, 128)
    if steps < args.frequency:
        raise OptionError(f"--frequency {args.frequency}: more than the {steps} steps of an epoch")
    date = datetime.now(UTC).strftime("%Y%m%d")
    rows: list[dict] = []
    started, cpu_started = time.perf_counter(), time.process_time()

    def record(model_name: str, pruner: str, pattern: str, rate: float, top1: float, seconds: float,
               measured: dict, dense_top1: float, expected_nnz: int, tag: str) -> None:
        row = {"model": model_name, "pruner": pruner, "pattern": pattern, "sparse_rate": rate, "top1": top1,
               "vs_dense": top1 - dense_top1, "training_date": date, "input_shape": list(INPUT_SHAPE),
               "train_seconds": seconds, **measured, "nnz_equals_mask": measured["nnz"] == expected_nnz
               and measured["cmodel_nnz"] == expected_nnz}
        rows.append(row)
        write_record(out / f"{tag}_record.json", TrainingRecord(
            model=model_name, framework="torch", dataset="fashion-mnist", pattern=pattern, sparse_rate=rate,
            top1=round(top1, 2), training_date=date, input_shape=list(INPUT_SHAPE), seed=args.seed,
            epochs=args.epochs if pattern == "dense" else args.sparse_epochs, train_seconds=round(seconds, 1),
            files=measured["files"], extra={k: v for k, v in row.items() if k not in asdict(
                TrainingRecord("", "", "", "", 0, 0, "", [])) and k != "files"}), overwrite=args.force)
        print(f"{model_name:15} {pruner:21} {pattern:12} {rate:6.2f}%  top-1 {top1:6.2f} ({top1 - dense_top1:+.2f})  "
              f"nnz {measured['nnz']} sparsity {measured['sparsity']:.4f}  "
              f"MFLOPs {measured['dense_mflops']:.1f}/{measured['sparse_mflops']:.1f}  "
              f"nnz=mask {row['nnz_equals_mask']}  {seconds:.0f} s", flush=True)

    for model_name in args.model or sorted(FASHION_MODELS):
        torch.manual_seed(args.seed)
        dense = FASHION_MODELS[model_name]()
        start = time.perf_counter()
        if args.dense:
            from frontc.frontends.torch.sources import load_state_dict_file
            path = Path(args.dense) / f"{model_name}_dense.pt"   # or train.py's NAME.pt
            load_state_dict_file(path if path.exists() else Path(args.dense) / f"{model_name}.pt", dense).eval()
        else:
            train(dense, data, args.epochs, seed=args.seed, progress=f"{model_name} dense")
        seconds = time.perf_counter() - start
        dense_top1 = evaluate(dense, data.test_x, data.test_y)
        measured = compile_and_measure(dense, {}, out, f"{model_name}_dense", args.force)
        record(model_name, "-", "dense", 0.0, dense_top1, seconds, measured, dense_top1,
               unmasked(dense, {}), f"{model_name}_dense")
        for pattern, rate in runs:
            frontc_scopes = [] if args.baseline_only else scopes if pattern == "unstructured" else ["layer"]
            for scope in frontc_scopes:
                model = copy.deepcopy(dense)
                prune = Prune(model, 0, steps, args.frequency, _prune_dict(model, rate), schedule=args.schedule,
                              pattern=pattern, scope=scope)
                start = time.perf_counter()
                train(model, data, args.sparse_epochs, lr=args.lr, seed=args.seed, after_backward=prune.prepare,
                      after_step=prune.prune, progress=f"{model_name} {pattern} {rate}% {scope}")
                seconds = time.perf_counter() - start
                suffix = f"_{scope}" if pattern == "unstructured" else ""
                tag = f"{model_name}_{pattern.replace(':', 'of')}_{rate:g}{suffix}"
                measured = compile_and_measure(model, prune.patterns(), out, tag, args.force)
                pruner = f"frontc Prune ({scope})" if pattern == "unstructured" else "frontc Prune"
                record(model_name, pruner, pattern, rate, evaluate(model, data.test_x, data.test_y), seconds,
                       measured, dense_top1, unmasked(model, prune.masks()), tag)
            if pattern == "unstructured" and rate in baseline_rates:
                model = copy.deepcopy(dense)
                start = time.perf_counter()
                masks = torch_prune_run(model, data, rate, args, steps)
                seconds = time.perf_counter() - start
                tag = f"{model_name}_torchprune_{rate:g}"
                measured = compile_and_measure(model, {}, out, tag, args.force)
                record(model_name, "torch.nn.utils.prune", "global", rate, evaluate(model, data.test_x, data.test_y),
                       seconds, measured, dense_top1, unmasked(model, masks), tag)
    total = time.perf_counter() - started
    write_tables(out, rows, total, time.process_time() - cpu_started, torch.get_num_threads(), args)
    return rows


def write_tables(out: Path, rows: list[dict], seconds: float, cpu_seconds: float, threads: int,
                 args: argparse.Namespace) -> None:
    from frontc.outputs import Outputs

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        shape = "x".join(str(d) for d in r["input_shape"][2:])
        lines.append(f"| {r['model']} | {r['pruner']} | {r['pattern']} | {r['sparse_rate']:g} | {r['top1']:.2f} | "
                     f"{r['vs_dense']:+.2f} | {r['training_date']} | {shape} | {r['nnz']}/{r['sparsity']:.4f} | "
                     f"{r['dense_mflops']:.2f}/{r['sparse_mflops']:.2f} | {'yes' if r['nnz_equals_mask'] else 'NO'} |")
    lines.append("")
    lines.append(f"Fashion-MNIST, {rows and rows[0]['input_shape']} input, dense {args.epochs} epochs, each sparse "
                 f"run {args.sparse_epochs} epochs from the dense weights (cosine learning rate from {args.lr:g}, "
                 f"{args.schedule} schedule, mask update "
                 f"every {args.frequency} steps over the first epoch); whole run {seconds:.0f} s wall, "
                 f"{cpu_seconds:.0f} s process CPU time, {threads} threads. nnz/sparsity and FLOPs (2 per MAC) of "
                 "IR_for_reconstruct; nnz = mask: the nnz of both compiled IRs equals the unmasked weight count.")
    summary = {"rows": [{k: v for k, v in r.items() if k != "files"} for r in rows], "seconds": seconds,
               "cpu_seconds": cpu_seconds, "threads": threads}
    with Outputs("fast_prune", force=args.force) as session:
        session.write(out / "fast_prune.md", "\n".join(lines) + "\n")
        session.write(out / "fast_prune.json", json.dumps(summary, indent=1) + "\n")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    return run_script("fast_prune", run, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
