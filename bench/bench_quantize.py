"""frontc's quantization against ONNX Runtime's quantize_static, side by side in one process.

Same model (a step-6 config's MODEL.graph, exported to ONNX by frontc.backends.onnx), same
calibration inputs (QUAN.qconfig.image_path) and evaluation inputs (EVALUATION, labelled), same
PREPROCESS. ONNX Runtime: quant_pre_process, then quantize_static (QDQ, per-channel int8 weights,
its default int8 activations) with the MinMax, Entropy and Percentile calibrators; its calibration
wall time is the quantize_static call. frontc: `calibrate` with each observer (onnxruntime backend),
then quantize_graph with symmetry_max and minmax, W8A8 per channel, run in the numpy interpreter.
For every run: the final distance D = ||q - f||_2 / ||f||_2 over the output of every evaluation
input (f: frontc's float IR), top-1 and top-1 agreement with float.

    .venv/bin/python bench/bench_quantize.py --config-file configs/quant_efficientnet_lite0.yml [--json F]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

ORT_METHODS = ("MinMax", "Entropy", "Percentile")
OBSERVERS = ("minmax", "percentile", "kl", "mse")
STRATEGIES = ("symmetry_max", "minmax")


def stack(inputs) -> np.ndarray:
    return np.concatenate(list(inputs.batches(64)))


def scores_of(run_one, x: np.ndarray) -> np.ndarray:
    return np.concatenate([np.asarray(run_one(x[i:i + 1]), np.float64).reshape(1, -1) for i in range(len(x))])


def row(name: str, calib_s: float | None, q: np.ndarray, f: np.ndarray, labels: np.ndarray) -> dict:
    top1 = q.argmax(1)
    return {"run": name, "calibration_s": calib_s, "distance": float(np.linalg.norm(q - f) / np.linalg.norm(f)),
            "top1": float(np.mean(top1 == labels)), "agreement": float(np.mean(top1 == f.argmax(1)))}


def ort_runs(graph, calib: np.ndarray, x: np.ndarray, f: np.ndarray, labels: np.ndarray, tmp: Path) -> list[dict]:
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    from frontc.backends.onnx import to_onnx

    name = graph.inputs[0].name
    onnx.save(to_onnx(graph), tmp / "float.onnx")
    quant_pre_process(str(tmp / "float.onnx"), str(tmp / "pre.onnx"))

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.items = iter([{name: calib[i:i + 1]} for i in range(len(calib))])

        def get_next(self) -> dict | None:
            return next(self.items, None)

    rows = []
    for method in ORT_METHODS:
        out = tmp / f"ort_{method}.onnx"
        start = time.perf_counter()
        quantize_static(str(tmp / "pre.onnx"), str(out), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        weight_type=QuantType.QInt8, activation_type=QuantType.QInt8,
                        calibrate_method=getattr(CalibrationMethod, method))
        seconds = time.perf_counter() - start
        session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
        q = scores_of(lambda b, s=session: s.run(None, {name: b})[0], x)
        rows.append(row(f"onnxruntime QDQ per-channel {method}", seconds, q, f, labels))
        print(rows[-1])
    return rows


def frontc_runs(graph, config, calib_inputs, x: np.ndarray, f: np.ndarray, labels: np.ndarray) -> list[dict]:
    from frontc.interpreter import run
    from frontc.quant import dequantize, quantize_graph
    from frontc.quant.calibrate import calibrate

    out = graph.outputs[0]
    rows = []
    for observer in OBSERVERS:
        start = time.perf_counter()
        table, _ = calibrate(graph, calib_inputs, observer, percentile=config.percentile, progress=False)
        seconds = time.perf_counter() - start
        for strategy in STRATEGIES:
            quantized = quantize_graph(graph, table.ranges(), strategy, weight_quan="perchannel")
            q = scores_of(lambda b, g=quantized: dequantize(g, run(g, b))[out], x)
            rows.append(row(f"frontc {strategy} perchannel, {observer}", seconds, q, f, labels))
            print(rows[-1])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", required=True)
    parser.add_argument("--json", help="write the rows here")
    args = parser.parse_args()
    from frontc.datasets.images import open_inputs
    from frontc.interpreter import run
    from frontc.ir import load_graph
    from frontc.quant.config import evaluation_set, load_config

    config = load_config(args.config_file)
    graph = load_graph(config.graph, config.params)
    calib_inputs = open_inputs(config.need("image_path", "QUAN.qconfig.image_path"), graph.inputs[0],
                               config.preprocess)
    eval_inputs, labels = evaluation_set(config, graph.inputs[0], labelled=True)
    calib, x, labels = stack(calib_inputs), stack(eval_inputs), np.asarray(labels)
    f = scores_of(lambda b: run(graph, b)[graph.outputs[0]], x)
    print(f"{graph.name}: {len(calib)} calibration inputs, {len(x)} evaluation inputs, float top-1 "
          f"{np.mean(f.argmax(1) == labels):.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = ort_runs(graph, calib, x, f, labels, Path(tmp)) + frontc_runs(graph, config, calib_inputs, x, f, labels)
    print("\n| run | calibration s | final distance | top-1 | top-1 agreement |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['run']} | {r['calibration_s']:.2f} | {r['distance']:.4f} | {r['top1']:.3f} "
              f"| {r['agreement']:.3f} |")
    ort_rows = [r for r in rows if r["run"].startswith("onnxruntime")]
    ours = [r for r in rows if r["run"].startswith("frontc")]
    best_ort = min(ort_rows, key=lambda r: r["distance"])
    best = min(ours, key=lambda r: r["distance"])
    print(f"\nbest frontc W8A8: {best['run']} D={best['distance']:.4f}; best onnxruntime: {best_ort['run']} "
          f"D={best_ort['distance']:.4f}; ratio {best['distance'] / best_ort['distance']:.2f}")
    fastest_ort = min(r["calibration_s"] for r in ort_rows)
    for observer in OBSERVERS:
        ours_s = next(r["calibration_s"] for r in rows if r["run"].endswith(f", {observer}"))
        print(f"calibration time frontc {observer} {ours_s:.2f} s = {ours_s / fastest_ort:.2f}x onnxruntime's fastest "
              f"({fastest_ort:.2f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
