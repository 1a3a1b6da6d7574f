"""Compile time of ResNet-50 from each framework, against torch.onnx.export of the same network.

Side by side in one process, framework imports excluded (each framework is imported and warmed
before timing). Prints seconds (median of --repeat runs) and the ratio to torch.onnx.export, then
compile time for 1x, 2x and 4x repeated residual blocks to show growth with depth.

    .venv/bin/python bench/bench_compile.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import frontc
from frontc.compiler import compile_graph


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compile_seconds(source, framework: str, shapes, repeat: int) -> tuple[float, int, int]:
    graphs = []

    def job():
        graph = frontc.load(source, framework, input_shapes=shapes)
        graphs.append((graph, compile_graph(graph)))
    seconds = median_seconds(job, repeat)
    graph, result = graphs[-1]
    return seconds, len(graph.nodes), len(result.cmodel.nodes)


def torch_sources(tmp: Path):
    import torch

    from frontc.models.torch import resnet50
    torch.manual_seed(0)
    model = resnet50().eval()
    x = torch.from_numpy(np.random.default_rng(0).uniform(-1, 1, (1, 3, 224, 224)).astype(np.float32))

    def export():
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (x,), buffer, dynamo=False, opset_version=17, input_names=["x"])
        return buffer.getvalue()
    onnx_path = tmp / "resnet50.onnx"
    onnx_path.write_bytes(export())
    return model, export, onnx_path


def mxnet_source(tmp: Path) -> str:
    from frontc.frontends.mxnet.gluon import export_block, zoo_block
    block = zoo_block("resnet50_v1b", seed=0, input_shape=(1, 3, 224, 224))
    return export_block(block, [(1, 3, 224, 224)], tmp, "resnet50_v1b") + "-symbol.json"


def keras_source():
    import keras
    keras.utils.set_random_seed(0)
    return keras.applications.ResNet50(weights=None)


def residual_stack(blocks: int):
    """A plain torch network of ``blocks`` identical residual blocks (conv-bn-relu-conv-bn-add-relu)."""
    import torch
    from torch import nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.b1 = nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)
            self.c2, self.b2 = nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)

        def forward(self, x):
            return torch.relu(x + self.b2(self.c2(torch.relu(self.b1(self.c1(x))))))
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), *[Block() for _ in range(blocks)]).eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model, export, onnx_path = torch_sources(tmp)
        export_s = median_seconds(export, args.repeat)
        sources = [("mxnet", mxnet_source(tmp), {"data": (1, 3, 224, 224)}), ("torch", model, {"x": (1, 3, 224, 224)}),
                   ("tf", keras_source(), None), ("onnx", str(onnx_path), None)]
        print(f"torch.onnx.export(resnet50): {export_s:.3f} s (median of {args.repeat})")
        print(f"{'framework':10} {'compile s':>10} {'vs export':>10} {'nodes':>8} {'fused':>6}")
        for framework, source, shapes in sources:
            seconds, nodes, fused = compile_seconds(source, framework, shapes, args.repeat)
            print(f"{framework:10} {seconds:10.3f} {seconds / export_s:9.2f}x {nodes:8d} {fused:6d}")
    print("\ngrowth with depth (torch frontend, 32x32 input, 32 channels):")
    print(f"{'blocks':>7} {'compile s':>10} {'ms/block':>9}")
    for blocks in (8, 16, 32):
        seconds, _, _ = compile_seconds(residual_stack(blocks), "torch", {"x": (1, 3, 32, 32)}, args.repeat)
        print(f"{blocks:7d} {seconds:10.3f} {seconds / blocks * 1e3:9.1f}")


if __name__ == "__main__":
    main()
