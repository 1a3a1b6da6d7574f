"""Structured pruning that shrinks: frontc's channel removal vs Torch-Pruning 1.6.1, same model, same ratio.

For each model (seeded random weights, eval mode) both tools remove the same share of channels by L1
magnitude (Torch-Pruning: MagnitudePruner with GroupMagnitudeImportance(p=1), the classifier ignored;
frontc: ``remove_channels(IR_for_reconstruct, ratio)``, whose classifier output is a graph output and
stays whole). Printed: params and MACs (Torch-Pruning's own counter on every torch module, and frontc
complexity on the IRs of the rebuilds), and the median wall-clock latency of the original module, the Torch-Pruning
result, and the torch reconstructions (``to_torch``) of the dense and the pruned IR, timed in interleaved
rounds (the order rotates, so machine load hits all alike) at one thread.

    .venv/bin/python bench/bench_prune.py [--ratio 0.5] [--repeat 20] [--threads 1] [--models ...]
"""
from __future__ import annotations

import argparse
import copy
import statistics
import time

import numpy as np
import torch

import frontc
from frontc.analysis.complexity import complexity
from frontc.backends.torch import to_torch
from frontc.models.torch import resnet18
from frontc.models.torch.fashion import fashion_cnn, fashion_resnet
from frontc.passes import run_pipeline
from frontc.prune.channels import remove_channels

MODELS = {"fashion_cnn": (fashion_cnn, (64, 1, 28, 28)), "fashion_resnet": (fashion_resnet, (64, 1, 28, 28)),
          "resnet18": (resnet18, (8, 3, 64, 64))}


def torch_pruning(model: torch.nn.Module, x: torch.Tensor, ratio: float) -> torch.nn.Module:
    import torch_pruning as tp

    classifier = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
    pruner = tp.pruner.MagnitudePruner(model, x, importance=tp.importance.GroupMagnitudeImportance(p=1),
                                       pruning_ratio=ratio, ignored_layers=[classifier])
    pruner.step()
    return model


def latency(modules: dict[str, torch.nn.Module], x: torch.Tensor, repeat: int) -> dict[str, float]:
    """Median milliseconds of each module over ``repeat`` interleaved rounds (after two warm-up rounds)."""
    times: dict[str, list[float]] = {name: [] for name in modules}
    names = list(modules)
    with torch.inference_mode():
        for round_ in range(repeat + 2):
            for name in names[round_ % len(names):] + names[:round_ % len(names)]:
                start = time.perf_counter()
                modules[name](x)
                if round_ >= 2:
                    times[name].append(1000 * (time.perf_counter() - start))
    return {name: statistics.median(t) for name, t in times.items()}


def bench(name: str, ratio: float, repeat: int) -> None:
    import torch_pruning as tp

    build, shape = MODELS[name]
    torch.manual_seed(0)
    original = build().eval()
    x = torch.randn(shape)
    graph, _ = run_pipeline(frontc.load(original, "torch", input_shapes={"x": shape}), "reconstruct")
    pruned_graph, report = remove_channels(graph, ratio)
    dense_rebuild, pruned_rebuild = to_torch(graph).eval(), to_torch(pruned_graph).eval()
    tp_model = torch_pruning(copy.deepcopy(original), x, ratio)
    (ir_out,) = frontc.run(pruned_graph, {"x": x.numpy()}).values()
    with torch.inference_mode():
        rebuilt = pruned_rebuild(x)
    rebuilt = (rebuilt[0] if isinstance(rebuilt, (tuple, list)) else rebuilt).numpy()
    rel = float(np.abs(rebuilt - ir_out).max() / np.abs(ir_out).max())
    modules = {"original": original, "torch-pruning": tp_model, "frontc dense": dense_rebuild,
               "frontc pruned": pruned_rebuild}
    counts = {k: tp.utils.count_ops_and_params(modules[k], x) for k in ("original", "torch-pruning")}
    # tp's counter cannot hook the rebuilds' layers: frontc complexity of their IRs, per image as tp counts
    counts["frontc dense"] = (complexity(graph).macs // shape[0], report.params_before)
    counts["frontc pruned"] = (complexity(pruned_graph).macs // shape[0], report.params_after)
    ms = latency(modules, x, repeat)
    print(f"\n{name} {list(shape)} channel ratio {ratio}: frontc IR MACs {complexity(graph).macs:,} -> "
          f"{complexity(pruned_graph).macs:,}, params {report.params_before:,} -> {report.params_after:,}; "
          f"pruned rebuild vs IR interpreter max|diff|/max {rel:.1e}")
    print(f"{'module':16} {'params':>10} {'MACs/image':>18} {'latency ms':>11} {'vs original':>11}")
    for key in modules:
        macs, params = counts[key]
        print(f"{key:16} {int(params):>10,} {int(macs):>18,} {ms[key]:>11.2f} {ms[key] / ms['original']:>10.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=sorted(MODELS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), median of {args.repeat} interleaved rounds")
    for name in args.models:
        bench(name, args.ratio, args.repeat)


if __name__ == "__main__":
    main()
