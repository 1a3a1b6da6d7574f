"""Inference latency of reconstructed models against the original ones, PyTorch and Keras.

Side by side in one process, at one fixed thread count (printed): ResNet-50 and MobileNetV2 are
compiled at each batch size, both IRs (IR_for_reconstruct, IR_fused_for_CModel) are rebuilt with
``to_torch`` / ``to_keras(channels_last_io=True)``, and each rebuild is timed against the model it
came from: warm-up runs, then --repeat timed rounds (--repeat-batched for batches above 1) in
which the original and both rebuilds run in turn (the order rotates every round, so machine load
hits all three alike). Prints the median wall-clock milliseconds and their ratio to the original,
the ratios of the median process CPU times (less sensitive to other processes on a shared
machine), and the distance of each rebuild's output from the original's (max|diff| / max|ref|),
so that the timings compare the same computation.

    PyTorch: frontc.models.torch networks, torch.manual_seed(0), eval mode, torch.inference_mode().
    Keras:   keras.applications (weights=None, keras.utils.set_random_seed(0)), NHWC input,
             ``model(x, training=False)`` in a tf.function (default), or eagerly (--tf-call eager:
             then Keras' per-layer Python dispatch is most of the time).
             classifier_activation=None (logits), like the torch networks: with random weights
             the softmax of MobileNetV2 is exactly 1/1000 everywhere, and would hide any error.

    .venv/bin/python bench/bench_reconstruct.py [--repeat 10] [--repeat-batched 5] [--warmup 2]
        [--threads 1] [--batches 1 16] [--models resnet50 mobilenet_v2] [--frameworks torch tf]
        [--tf-call function|eager]

--threads defaults to 1: on a 2-core machine shared with other jobs, two OpenMP threads spend
most of their time waiting for a descheduled peer, which swamps the differences measured here.
On a quiet machine, pass the core count.

Targets: the rebuild of IR_for_reconstruct within 1.05x of the original; the rebuild of
IR_fused_for_CModel faster than the original (BatchNorm folded, activations fused).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import frontc
from frontc.analysis.distance import distance
from frontc.compiler import compile_graph

KERAS_MODELS = {"resnet50": "ResNet50", "mobilenet_v2": "MobileNetV2"}


@dataclass
class Row:
    """One model at one batch size: median wall and CPU ms of the original and both rebuilds (in
    that order), node counts of both IRs, and each rebuild's max|diff| / max|original|."""

    framework: str
    model: str
    batch: int
    nodes: tuple[int, int]
    wall: list[float]
    cpu: list[float]
    rel: tuple[float, float]


def interleaved_ms(runs: list[Callable[[], object]], warmup: int, repeat: int) -> tuple[list[float], list[float]]:
    """Median wall and process-CPU milliseconds of each of ``runs``, run in turn (the order
    rotating every round) for ``repeat`` rounds after ``warmup`` untimed ones."""
    for _ in range(warmup):
        for run in runs:
            run()
    wall: list[list[float]] = [[] for _ in runs]
    cpu: list[list[float]] = [[] for _ in runs]
    for round_ in range(repeat):
        for k in range(len(runs)):
            i = (round_ + k) % len(runs)
            start, start_cpu = time.perf_counter(), time.process_time()
            runs[i]()
            wall[i].append(time.perf_counter() - start)
            cpu[i].append(time.process_time() - start_cpu)
    return ([statistics.median(t) * 1e3 for t in wall], [statistics.median(t) * 1e3 for t in cpu])


def seeded_input(shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)


def torch_rows(names: list[str], batches: list[int], args: argparse.Namespace) -> list[Row]:
    import torch

    from frontc.backends.torch import to_torch
    from frontc.models import torch as zoo
    rows = []
    for name in names:
        torch.manual_seed(0)
        original = getattr(zoo, name)().eval()
        for batch in batches:
            shape = (batch, 3, 224, 224)
            result = compile_graph(frontc.load(original, "torch", input_shapes={"x": shape}))
            models = [original, to_torch(result.reconstruct), to_torch(result.cmodel)]
            x = torch.from_numpy(seeded_input(shape))
            with torch.inference_mode():
                ref = original(x).numpy()
                rel = tuple(distance(m(x).numpy(), ref).rel_max for m in models[1:])
                runs = [lambda m=m, x=x: m(x) for m in models]
                wall, cpu = interleaved_ms(runs, args.warmup, args.repeat if batch == 1 else args.repeat_batched)
            rows.append(Row("torch", name, batch, (len(result.reconstruct.nodes), len(result.cmodel.nodes)),
                            wall, cpu, rel))
            print_row(rows[-1])
    return rows


def keras_call(model, compiled: bool) -> Callable:
    """``model(x, training=False)``, in a tf.function when ``compiled``."""
    import tensorflow as tf

    def call(x):
        return model(x, training=False)
    return tf.function(call, autograph=False) if compiled else call


def keras_rows(names: list[str], batches: list[int], args: argparse.Namespace) -> list[Row]:
    import keras
    import tensorflow as tf

    from frontc.backends.tf import to_keras
    rows = []
    for name in names:
        keras.utils.set_random_seed(0)
        original = getattr(keras.applications, KERAS_MODELS[name])(weights=None, classifier_activation=None)
        for batch in batches:
            shape = (batch, 224, 224, 3)
            result = compile_graph(frontc.load(original, "tf", input_shapes={original.inputs[0].name: shape}))
            models = [original, *(to_keras(g, channels_last_io=True) for g in (result.reconstruct, result.cmodel))]
            calls = [keras_call(m, args.tf_call == "function") for m in models]
            x = tf.constant(seeded_input(shape))
            ref = calls[0](x).numpy()
            rel = tuple(distance(call(x).numpy(), ref).rel_max for call in calls[1:])
            runs = [lambda call=call, x=x: call(x).numpy() for call in calls]
            wall, cpu = interleaved_ms(runs, args.warmup, args.repeat if batch == 1 else args.repeat_batched)
            rows.append(Row("tf", name, batch, (len(result.reconstruct.nodes), len(result.cmodel.nodes)),
                            wall, cpu, rel))
            print_row(rows[-1])
    return rows


HEADER = (f"{'model':13} {'batch':>5} {'nodes r/c':>9} {'original ms':>12} {'reconstruct ms':>20} "
          f"{'cmodel ms':>20} {'cpu ratio r/c':>14} {'rel err r / c':>17}")


def print_row(row: Row) -> None:
    orig, rec, cm = row.wall
    cpu = row.cpu
    print(f"{row.model:13} {row.batch:5d} {row.nodes[0]:4d}/{row.nodes[1]:<4d} {orig:12.2f} "
          f"{rec:11.2f} ({rec / orig:5.3f}x) {cm:11.2f} ({cm / orig:5.3f}x) "
          f"{cpu[1] / cpu[0]:7.3f}/{cpu[2] / cpu[0]:5.3f}  {row.rel[0]:7.1e} / {row.rel[1]:7.1e}", flush=True)


def summary(rows: list[Row]) -> None:
    """The two targets, checked on every row (wall-clock ratios; CPU-time ratios beside them)."""
    for row in rows:
        (orig, rec, cm), cpu = row.wall, row.cpu
        missed = [f"reconstruct {rec / orig:.3f}x > 1.05x (cpu {cpu[1] / cpu[0]:.3f}x)"] if rec > 1.05 * orig else []
        missed += [f"cmodel {cm / orig:.3f}x >= 1x (cpu {cpu[2] / cpu[0]:.3f}x)"] if cm >= orig else []
        print(f"  {row.framework:5} {row.model:12} batch {row.batch:2d}: "
              + ("; ".join(missed) if missed else "targets met"))


def set_threads(threads: int, frameworks: list[str]) -> None:
    """The same intra-op thread count for torch and TensorFlow (TF: before its runtime starts)."""
    import torch
    torch.set_num_threads(threads)
    if "tf" in frameworks:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, help="timed rounds at batch 1")
    parser.add_argument("--repeat-batched", type=int, default=5, help="timed rounds at batches above 1")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds before timing")
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads of torch and TF")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--models", nargs="+", choices=sorted(KERAS_MODELS), default=["resnet50", "mobilenet_v2"])
    parser.add_argument("--frameworks", nargs="+", choices=["torch", "tf"], default=["torch", "tf"])
    parser.add_argument("--tf-call", choices=["function", "eager"], default="function",
                        help="Keras: call the models through tf.function, or eagerly")
    args = parser.parse_args()
    set_threads(args.threads, args.frameworks)
    print(f"threads: {args.threads} (torch and TF intra-op); warm-up {args.warmup}, median of "
          f"{args.repeat} rounds at batch 1, {args.repeat_batched} above; ratios are to the original (wall clock; "
          "'cpu ratio': of process CPU time); rel err = max|diff| / max|original|")
    rows = []
    for framework, title, bench in (("torch", "PyTorch (frontc.models.torch, inference_mode)", torch_rows),
                                    ("tf", f"Keras (keras.applications, NHWC, {args.tf_call} call)", keras_rows)):
        if framework in args.frameworks:
            print(f"\n{title}\n{HEADER}")
            rows += bench(args.models, args.batches, args)
    print("\ntargets: reconstruct <= 1.05x, cmodel < 1x")
    summary(rows)


if __name__ == "__main__":
    main()
