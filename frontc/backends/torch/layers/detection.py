"""BoxNMS -> a module running MXNet's box_nms algorithm in torch (stable sorts, float IoU)."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node


def box_edges(boxes: torch.Tensor, fmt: str) -> tuple[torch.Tensor, ...]:
    """(left, top, right, bottom) and the area of each box (0 when a side is negative)."""
    a1, a2, a3, a4 = boxes.unbind(-1)
    if fmt == "corner":
        width, height, edges = a3 - a1, a4 - a2, (a1, a2, a3, a4)
    else:
        half_w, half_h = a3 / 2, a4 / 2
        width, height, edges = a3, a4, (a1 - half_w, a2 - half_h, a1 + half_w, a2 + half_h)
    area = torch.where((width < 0) | (height < 0), torch.zeros_like(width), width * height)
    return (*edges, area)


class BoxNMS(nn.Module):
    """Greedy per-batch NMS; kept rows first in descending score order, the rest -1."""

    def __init__(self, a: dict[str, Any]) -> None:
        super().__init__()
        self.a = dict(a)

    def keep(self, boxes: torch.Tensor) -> torch.Tensor:
        """The indices of the rows of one batch that are kept, in output order."""
        a = self.a
        scores = boxes[:, a["score_index"]]
        valid = scores > torch.tensor(a["valid_thresh"], dtype=torch.float32)
        if a["id_index"] >= 0:
            valid &= boxes[:, a["id_index"]] != a["background_id"]
        index = torch.nonzero(valid).flatten()
        order = index[torch.sort(scores[index], descending=True, stable=True).indices]
        if a["topk"] >= 0:
            order = order[:a["topk"]]
        left, top, right, bottom, area = box_edges(boxes[order, a["coord_start"]:a["coord_start"] + 4],
                                                   a["format"])
        w = torch.minimum(right[:, None], right[None]) - torch.maximum(left[:, None], left[None])
        h = torch.minimum(bottom[:, None], bottom[None]) - torch.maximum(top[:, None], top[None])
        zero = torch.zeros((), dtype=w.dtype)
        inter = torch.where(w > 0, w, zero) * torch.where(h > 0, h, zero)
        iou = inter / (area[:, None] + area[None] - inter)
        suppress = iou > torch.tensor(a["overlap_thresh"], dtype=torch.float32)
        if a["id_index"] >= 0 and not a["force_suppress"]:
            ids = boxes[order, a["id_index"]].trunc().long()
            suppress &= ids[:, None] == ids[None]
        kept = torch.ones(len(order), dtype=torch.bool)
        for ref in range(len(order)):
            if kept[ref]:
                kept[ref + 1:] &= ~suppress[ref, ref + 1:]
        return order[kept]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, *x.shape[-2:])
        out = torch.full_like(rows, -1)
        for b in range(rows.shape[0]):
            kept = self.keep(rows[b])
            out[b, :len(kept)] = rows[b, kept]
        return out.reshape(x.shape)

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.a.items())


@layer("BoxNMS")
def box_nms(node: Node, ctx: LayerContext) -> nn.Module:
    """BoxNMS -> a BoxNMS module (torchvision's nms breaks ties and thresholds differently)."""
    return BoxNMS(ctx.attrs)
