"""Detection heads: non-maximum suppression over rows of boxes (MXNet ``box_nms`` semantics)."""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import FLOAT_TYPES, need, require
from frontc.ir.schema import AttrSpec, Ins, register_op

BOX_FORMATS = ("corner", "center")


@register_op("BoxNMS", ["X"], {
    "overlap_thresh": AttrSpec("float", 0.5), "valid_thresh": AttrSpec("float", 0.0),
    "topk": AttrSpec("int", -1), "coord_start": AttrSpec("int", 2), "score_index": AttrSpec("int", 1),
    "id_index": AttrSpec("int", -1), "background_id": AttrSpec("int", -1),
    "force_suppress": AttrSpec("int", 0, (0, 1)),
    "format": AttrSpec("str", "corner", BOX_FORMATS)}, family="detection")
def box_nms(ins: Ins, a: dict[str, Any]):
    """Greedy NMS per batch over X (..., boxes, width), as MXNet's box_nms: rows scoring > valid_thresh
    (with an id_index, not of id background_id), stably sorted by descending score; the first topk (all
    when -1) suppress later rows of the same integer id (any with force_suppress) whose float IoU is >
    overlap_thresh; kept rows come first, the rest are all -1."""
    x = need(ins, 0, "X")
    require(x.rank >= 2 and x.dtype in FLOAT_TYPES, f"BoxNMS needs a float (..., boxes, width) tensor, got "
                                                    f"{x.dtype}{x.shape}")
    width, start = x.shape[-1], a["coord_start"]
    require(0 <= start and start + 3 < width, f"BoxNMS coord_start {start} does not fit width {width}")
    for key in ("score_index", "id_index"):
        index = a[key]
        if key == "id_index" and index < 0:
            continue
        require(index < width and not start <= index <= start + 3,
                f"BoxNMS {key} {index} is outside width {width} or inside the coordinates")
    require(a["score_index"] >= 0 and a["score_index"] != a["id_index"], "BoxNMS score_index must be >= 0 "
                                                                         "and differ from id_index")
    return [(x.shape, x.dtype)]
