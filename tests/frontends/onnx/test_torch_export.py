"""A PyTorch detector-style model exported with dynamic axes: its shape subgraphs
(x.view(x.size(0), -1), interpolate to a tensor's size, a YOLO reshape/permute head with an
arange grid) fold away once input_shapes are given, and the IR matches onnxruntime."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import frontc
from frontc.catalog.case import seeded_input
from frontc.catalog.onnx_cases import onnxruntime_outputs
from frontc.ir.errors import OptionError

nn, F = torch.nn, torch.nn.functional


class TinyDetector(nn.Module):
    """A stem, an FPN-style merge, a 2x upsample and a YOLO head (3 anchors x 7 values)."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.down = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.head = nn.Conv2d(8, 3 * 7, 1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        y = F.relu(self.stem(x))
        small = F.relu(self.down(y))
        merged = y + F.interpolate(small, size=y.shape[-2:], mode="nearest")
        head = self.head(F.interpolate(merged, scale_factor=2, mode="nearest"))
        b, _, h, w = head.shape
        head = head.view(b, 3, 7, h, w).permute(0, 1, 3, 4, 2).contiguous()
        grid_x = torch.arange(w, dtype=torch.float32).view(1, 1, 1, w, 1).expand(b, 3, h, w, 1)
        xy = torch.sigmoid(head[..., 0:1]) + grid_x
        boxes = torch.cat([xy, head[..., 1:]], -1).view(b, -1, 7)
        pooled = F.adaptive_avg_pool2d(y, 1)
        return boxes, self.fc(pooled.view(pooled.size(0), -1))


def export(path: Path, opset: int) -> None:
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(TinyDetector().eval(), (torch.zeros(1, 3, 16, 16),), str(path), dynamo=False,
                          opset_version=opset, input_names=["x"], output_names=["boxes", "logits"],
                          dynamic_axes={"x": {0: "batch", 2: "h", 3: "w"}})


@pytest.mark.parametrize("opset", [11, 17])
def test_dynamic_export_compiles_with_input_shapes(tmp_path: Path, opset: int) -> None:
    import onnx

    path = tmp_path / f"detector{opset}.onnx"
    export(path, opset)
    source_ops = {n.op_type for n in onnx.load(path).graph.node}
    assert {"Shape", "Gather", "Range", "Expand", "ConstantOfShape"} <= source_ops
    with pytest.raises(OptionError, match="input_shapes"):
        frontc.load(path, "onnx")
    graph = frontc.load(path, "onnx", input_shapes={"x": (2, 3, 20, 24)})
    assert {n.op for n in graph.nodes} <= {"Conv", "Relu", "Resize", "Add", "Reshape", "Transpose",
                                           "Sigmoid", "Slice", "Concat", "GlobalAvgPool", "Gemm"}
    feeds = {"x": seeded_input((2, 3, 20, 24))}
    got = frontc.run(graph, feeds)
    refs = onnxruntime_outputs(onnx.load(path), feeds)
    assert [got[o].shape for o in graph.outputs] == [(2, 3 * 40 * 48, 7), (2, 10)]
    for out, ref in zip(graph.outputs, refs):
        assert np.abs(got[out] - ref).max() <= 1e-5 * np.abs(ref).max()
