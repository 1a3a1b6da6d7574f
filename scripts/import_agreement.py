"""Agreement of frontc's integer path with ONNX Runtime's own integers on models quantized by ORT.

For each catalog model: export it to ONNX (torch.onnx, opset 17), quantize it with
onnxruntime.quantization.quantize_static (calibrated on 8 of foolbox's ImageNet photos) in the
formats users bring (QDQ and QOperator; per-tensor and per-channel int8 weights; uint8 asymmetric or
int8 symmetric activations), import it with ``frontc qimport``'s importer and compare, on the other
12 photos, every quantized tensor with ORT's (fused integer kernels, default optimizations):

    .venv/bin/python scripts/import_agreement.py [--models resnet18_64 mobilenet_v2_96] [--images 12]

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["resnet18_64", "mobilenet_v2_96"], choices=sorted(SIZES))
    parser.add_argument("--images", type=int, default=12, help="photos compared (at most 12)")
    args = parser.parse_args()
    print("| model | format | weights | activations | nodes | output exact / max LSB | all tensors exact "
          "| isolated exact / max LSB | ties | unexplained |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models:
            measure(name, Path(folder), min(args.images, 12))


if __name__ == "__main__":
    main()
