"""The integer C model against the numpy ``*_t`` path and ONNX Runtime's int8 QDQ, single thread.

ResNet-50 and MobileNetV2 (frontc.models.torch, seeded weights, 224x224) are compiled to the fused
IR, calibrated (min/max) on --calib seeded inputs and quantized with symmetry_max_t per channel; the
C model is emitted and built (-O3 -march=native). The same float IR is exported to ONNX
(frontc.backends.onnx) and quantized by onnxruntime.quantization.quantize_static (QDQ, int8
activations and per-channel int8 weights, min/max calibration on the same inputs): ONNX Runtime then
runs the same network with its own int8 kernels. Every engine runs one thread; the rounds are
interleaved (the order rotates) and the median milliseconds per image are printed with their ratios,
both wall clock and the CPU time of the calling thread (which every engine runs on: on a shared,
loaded machine the CPU time is the steadier measure; the load average is printed with them). The C
model's outputs are checked equal to the numpy path's before timing.

    .venv/bin/python bench/bench_cmodel.py [--models resnet50 mobilenet_v2] [--repeat 5] [--batch 4]

Goals (issue 15): C model >= 10x faster than the numpy integer path, within 3x of ONNX Runtime.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402


def fused_graph(name: str):
    import torch

    import frontc
    from frontc.models import torch as zoo
    from frontc.passes import run_pipeline
    torch.manual_seed(0)
    model = getattr(zoo, name)().eval()
    graph = frontc.load(model, "torch", input_shapes={"x": (1, 3, 224, 224)})
    return run_pipeline(run_pipeline(graph, "reconstruct")[0], "cmodel")[0]


def ort_qdq_session(graph, inputs, folder: Path):
    import onnxruntime as ort
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    from frontc.backends.onnx import save_onnx

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.items = iter([{graph.inputs[0].name: x} for x in inputs])

        def get_next(self):
            return next(self.items, None)

    save_onnx(graph, folder / "float.onnx")
    quantize_static(str(folder / "float.onnx"), str(folder / "qdq.onnx"), Reader(), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8, per_channel=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    return ort.InferenceSession(str(folder / "qdq.onnx"), options, providers=["CPUExecutionProvider"])


def timed_ms(fn, per: int) -> tuple[float, float]:
    """(wall, CPU time of this thread) in milliseconds per image of one call of ``fn``."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return (time.perf_counter() - wall) * 1e3 / per, (time.thread_time() - cpu) * 1e3 / per


def bench(name: str, args: argparse.Namespace, folder: Path) -> dict[str, tuple[float, float]]:
    from frontc.cmodel import CModel, build, emit
    from frontc.datasets.images import MemoryInputs
    from frontc.interpreter import run
    from frontc.quant import quantize_graph
    from frontc.quant.calibrate import calibrate

    graph = fused_graph(name)
    rng = np.random.default_rng(0)
    inputs = [rng.uniform(-1, 1, graph.inputs[0].shape).astype(np.float32) for _ in range(args.calib + args.batch)]
    calib, batch = inputs[:args.calib], np.concatenate(inputs[args.calib:])
    table, _ = calibrate(graph, MemoryInputs(calib), "minmax", progress=False)
    q = quantize_graph(graph, table, "symmetry_max_t", weight_quan="perchannel")
    out = folder / name
    out.mkdir()
    for file, data in emit(q).files.items():
        (out / file).write_bytes(data)
    build(out, opt="native")
    model = CModel(out)
    predicted = model.predict(batch)[graph.outputs[0]]
    expected = np.concatenate([run(q, x)[graph.outputs[0]] for x in inputs[args.calib:]])
    if not np.array_equal(predicted, expected):
        raise SystemExit(f"{name}: the C model's outputs differ from the numpy path's")
    session = ort_qdq_session(graph, calib, out)
    feed = graph.inputs[0].name
    engines = {"numpy *_t": (lambda: run(q, inputs[-1]), 1),
               "C model": (lambda: model.predict(batch), args.batch),
               "ORT QDQ": (lambda: [session.run(None, {feed: x}) for x in inputs[args.calib:]], args.batch)}
    for fn, _ in engines.values():
        fn()  # warm-up
    rounds: dict[str, list[tuple[float, float]]] = {k: [] for k in engines}
    order = list(engines)
    for r in range(args.repeat):
        for key in order[r % 3:] + order[:r % 3]:
            fn, per = engines[key]
            rounds[key].append(timed_ms(fn, per))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in rounds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["resnet50", "mobilenet_v2"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=4, help="images per C / ORT round")
    parser.add_argument("--calib", type=int, default=4)
    args = parser.parse_args()
    print(f"single thread; median ms per image, wall clock and CPU time of the thread (load average "
          f"{os.getloadavg()[0]:.1f} at the start)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            ms = bench(name, args, Path(tmp))
            for i, kind in enumerate(("wall", "CPU")):
                npy, c, ort = ms["numpy *_t"][i], ms["C model"][i], ms["ORT QDQ"][i]
                print(f"{name:13s} {kind:4s} numpy *_t {npy:8.1f}  C model {c:7.1f}  ORT QDQ {ort:7.1f}   "
                      f"C vs numpy {npy / c:5.1f}x faster, C / ORT {c / ort:4.1f}x")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
