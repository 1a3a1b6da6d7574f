"""Agreement of frontc's integer path with ONNX Runtime's own integers on models quantized by ORT.

For each catalog model: export it to ONNX (torch.onnx, opset 17), quantize it with
onnxruntime.quantization.quantize_static (calibrated on 8 of foolbox's ImageNet photos) in the
formats users bring (QDQ and QOperator; per-tensor and per-channel int8 weights; uint8 asymmetric or
int8 symmetric activations), import it with ``frontc qimport``'s importer and compare, on the other
12 photos, every quantized tensor with ORT's (fused integer kernels, default optimizations):

    .venv/bin/python scripts/import_agreement.py [--models resnet18_64 mobilenet_v2_96] [--images 12]
        [--tflite small_cnn MobileNetV2]

``--tflite``: catalog Keras models converted by TFLiteConverter, float (frontc's float IR against
tf.lite.Interpreter, largest relative difference) and full-integer int8 with the same 8 photos as the
representative dataset (frontc's integers against the interpreter's own, as above).

Columns: output exact share / max LSB (end to end), all tensors exact share (end to end), isolated
exact share / max LSB (each node fed ORT's integers), isolated differences at rounding ties and
unexplained ones (see frontc.quant.importers.agreement).
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

CONFIGS = [("QDQ", False, False), ("QDQ", True, False), ("QDQ", True, True), ("QOperator", True, False),
           ("QOperator", False, True)]
SIZES = {"resnet18_64": 64, "mobilenet_v2_96": 96, "efficientnet_lite0": 224, "resnet50": 224,
         "mobilenet_v2": 224}


def quantize(source: Path, target: Path, images, fmt: str, per_channel: bool, symmetric: bool) -> Path:
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = iter([{"x": images[i:i + 1]} for i in range(len(images))])

        def get_next(self) -> dict | None:
            return next(self.feeds, None)

    quantize_static(str(source), str(target), Reader(), quant_format=getattr(QuantFormat, fmt),
                    per_channel=per_channel, weight_type=QuantType.QInt8,
                    activation_type=QuantType.QInt8 if symmetric else QuantType.QUInt8,
                    extra_options={"ActivationSymmetric": symmetric})
    return target


def measure(name: str, folder: Path, count: int) -> list[str]:
    import torch

    from frontc.catalog.torch_cases import build_model
    from frontc.data.imagenet_samples import imagenet_samples
    from frontc.quant.importers.agreement import agreement, summary
    from frontc.quant.importers.onnx_import import import_onnx, onnxruntime_codes

    size = SIZES[name]
    images = imagenet_samples(size)[0]
    source = folder / f"{name}.onnx"
    torch.onnx.export(build_model(name), torch.zeros(1, 3, size, size), str(source), opset_version=17,
                      input_names=["x"], output_names=["y"], dynamo=False)
    lines = []
    for fmt, per_channel, symmetric in CONFIGS:
        path = quantize(source, folder / f"{name}_{fmt}_{per_channel}_{symmetric}.onnx", images[:8], fmt,
                        per_channel, symmetric)
        graph, split = import_onnx(path)
        rows = []
        for i in range(8, 8 + count):
            feeds = {"x": images[i:i + 1]}
            rows += agreement(graph, onnxruntime_codes(path, graph, split, feeds), feeds)
        s = summary(rows)
        out = [r for r in rows if r.tensor == graph.outputs[0]]
        out_exact = sum(r.cumulative_exact * r.size for r in out) / sum(r.size for r in out)
        line = (f"| {name} | {fmt} | {'channel' if per_channel else 'tensor'} | "
                f"{'int8 sym' if symmetric else 'uint8 asym'} | {len(graph.nodes)} | {out_exact:.2%} / "
                f"{max(r.cumulative_max for r in out)} | {s['cumulative_exact']:.2%} | {s['isolated_exact']:.4%} / "
                f"{s['isolated_max_lsb']} | {s['isolated_ties']} | {s['isolated_unexplained']} |")
        print(line, flush=True)
        lines.append(line)
    return lines


def measure_tflite(name: str, folder: Path, count: int) -> list[str]:
    import numpy as np
    import tensorflow as tf

    from frontc.catalog.keras_cases import application, small_cnn
    from frontc.data.imagenet_samples import imagenet_samples
    from frontc.frontends.tflite import load
    from frontc.interpreter import run
    from frontc.quant.importers.agreement import agreement, summary
    from frontc.quant.importers.tflite_import import import_tflite, tflite_codes

    model = small_cnn() if name == "small_cnn" else application(name)
    size = model.input_shape[1]
    images = imagenet_samples(size)[0]
    nhwc = images.transpose(0, 2, 3, 1)
    float_path, int8_path = folder / f"{name}_float.tflite", folder / f"{name}_int8.tflite"
    float_path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([nhwc[i:i + 1]] for i in range(8))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    int8_path.write_bytes(converter.convert())
    graph = load(float_path)
    interpreter = tf.lite.Interpreter(model_path=str(float_path))
    interpreter.allocate_tensors()
    worst = 0.0
    for i in range(8, 8 + count):
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], nhwc[i:i + 1])
        interpreter.invoke()
        ref = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
        out = run(graph, {graph.inputs[0].name: images[i:i + 1]})[graph.outputs[0]]
        worst = max(worst, float(np.abs(out - ref).max() / np.abs(ref).max()))
    print(f"{name} float .tflite: {len(graph.nodes)} nodes, largest relative difference {worst:.2e}", flush=True)
    qgraph, conversion = import_tflite(int8_path)
    rows = []
    for i in range(8, 8 + count):
        feeds = {qgraph.inputs[0].name: images[i:i + 1]}
        rows += agreement(qgraph, tflite_codes(int8_path, qgraph, conversion, feeds), feeds)
    s = summary(rows)
    out = [r for r in rows if r.tensor == qgraph.outputs[0]]
    out_exact = sum(r.cumulative_exact * r.size for r in out) / sum(r.size for r in out)
    line = (f"| {name} | TFLite int8 | channel | int8 asym | {len(qgraph.nodes)} | {out_exact:.2%} / "
            f"{max(r.cumulative_max for r in out)} | {s['cumulative_exact']:.2%} | {s['isolated_exact']:.4%} / "
            f"{s['isolated_max_lsb']} | {s['isolated_ties']} | {s['isolated_unexplained']} |")
    print(line, flush=True)
    for r in rows:
        if r.unexplained:
            print(f"  unexplained: {r.tensor} ({r.op}) {r.unexplained} of {r.size}", flush=True)
    return [line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=["resnet18_64", "mobilenet_v2_96"], choices=sorted(SIZES))
    parser.add_argument("--images", type=int, default=12, help="photos compared (at most 12)")
    parser.add_argument("--tflite", nargs="*", default=[], help="Keras catalog models through TFLite "
                                                                "(small_cnn or a keras.applications name)")
    args = parser.parse_args()
    print("| model | format | weights | activations | nodes | output exact / max LSB | all tensors exact "
          "| isolated exact / max LSB | ties | unexplained |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models:
            measure(name, Path(folder), min(args.images, 12))
        for name in args.tflite:
            measure_tflite(name, Path(folder), min(args.images, 12))


if __name__ == "__main__":
    main()
