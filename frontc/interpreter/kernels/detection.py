"""BoxNMS: MXNet's box_nms computed the way its CPU kernel does (float32 IoU, stable sorts)."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.interpreter.registry import kernel


def box_edges(boxes: np.ndarray, fmt: str) -> tuple[np.ndarray, ...]:
    """(left, top, right, bottom) and the area of each box (0 when a side is negative)."""
    a1, a2, a3, a4 = (boxes[:, i] for i in range(4))
    if fmt == "corner":
        width, height = a3 - a1, a4 - a2
        edges = (a1, a2, a3, a4)
    else:
        half_w, half_h = a3 / a3.dtype.type(2), a4 / a4.dtype.type(2)
        width, height = a3, a4
        edges = (a1 - half_w, a2 - half_h, a1 + half_w, a2 + half_h)
    area = np.where((width < 0) | (height < 0), width.dtype.type(0), width * height)
    return (*edges, area)


def suppression(boxes: np.ndarray, ids: np.ndarray | None, a: dict[str, Any]) -> np.ndarray:
    """(k, k) bool: row r would suppress column c (IoU > overlap_thresh, same id unless forced)."""
    left, top, right, bottom, area = box_edges(boxes, a["format"])
    zero = boxes.dtype.type(0)
    w = np.minimum(right[:, None], right[None]) - np.maximum(left[:, None], left[None])
    h = np.minimum(bottom[:, None], bottom[None]) - np.maximum(top[:, None], top[None])
    inter = np.where(w > 0, w, zero) * np.where(h > 0, h, zero)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = inter / (area[:, None] + area[None] - inter)
    out = iou > np.float32(a["overlap_thresh"])
    if ids is not None:
        out &= ids[:, None] == ids[None]
    return out


def nms_rows(boxes: np.ndarray, a: dict[str, Any]) -> np.ndarray:
    """The indices of the rows of one batch that BoxNMS keeps, in output order."""
    scores = boxes[:, a["score_index"]]
    valid = scores > np.float32(a["valid_thresh"])
    if a["id_index"] >= 0:
        valid &= boxes[:, a["id_index"]] != np.float32(a["background_id"])
    valid = np.flatnonzero(valid)
    order = valid[np.argsort(-scores[valid], kind="stable")]
    if a["topk"] >= 0:
        order = order[:a["topk"]]
    start = a["coord_start"]
    ids = None
    if a["id_index"] >= 0 and not a["force_suppress"]:
        ids = np.trunc(boxes[order, a["id_index"]]).astype(np.int64)
    suppress = suppression(boxes[order, start:start + 4], ids, a)
    keep = np.ones(len(order), bool)
    for ref in range(len(order)):
        if keep[ref]:
            keep[ref + 1:] &= ~suppress[ref, ref + 1:]
    return order[keep]


@kernel("BoxNMS")
def box_nms(ins: list[Any], a: dict[str, Any]) -> np.ndarray:
    x = ins[0]
    rows = x.reshape(-1, *x.shape[-2:])
    out = np.full_like(rows, -1)
    for b, boxes in enumerate(rows):
        kept = nms_rows(boxes, a)
        out[b, :len(kept)] = boxes[kept]
    return out.reshape(x.shape)
