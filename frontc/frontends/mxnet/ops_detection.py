"""Converters of MXNet's bounding-box ops: box_nms -> BoxNMS, box_decode -> elementwise IR ops."""
from __future__ import annotations

from frontc.frontends.mxnet.context import REG, Context
from frontc.frontends.mxnet.symbol import MxNode


@REG.register("_contrib_box_nms", "_contrib_box_non_maximum_suppression", "box_nms")
def box_nms(node: MxNode, ctx: Context) -> list[str]:
    """MXNet box_nms (one visible output) -> BoxNMS; in_format must equal out_format."""
    fmt = node.get_str("in_format", "corner")
    if node.get_str("out_format", "corner") != fmt:
        raise ctx.unsupported(node, f"in_format={fmt} and out_format={node.get_str('out_format')}")
    attrs = {"overlap_thresh": node.get_float("overlap_thresh", 0.5),
             "valid_thresh": node.get_float("valid_thresh", 0.0), "topk": node.get_int("topk", -1),
             "coord_start": node.get_int("coord_start", 2), "score_index": node.get_int("score_index", 1),
             "id_index": node.get_int("id_index", -1), "background_id": node.get_int("background_id", -1),
             "force_suppress": int(node.get_bool("force_suppress", False)), "format": fmt}
    if attrs["id_index"] < 0 and attrs["background_id"] >= 0:
        raise ctx.unsupported(node, f"background_id={attrs['background_id']} without id_index")
    return [ctx.add("BoxNMS", [ctx.x(node, 0)], attrs, node)]


@REG.register("_contrib_box_decode", "box_decode")
def box_decode(node: MxNode, ctx: Context) -> list[str]:
    """MXNet box_decode(data (B, N, 4), anchors (1, N, 4), std0-3, clip, format) -> Slice, Mul,
    Add, Exp (clip: Min) and Concat, in the order of MXNet's kernel."""
    x, anchors = ctx.x(node, 0), ctx.x(node, 1)
    dtype = ctx.dtype(x)
    anchors = ctx.add("Reshape", [anchors], {"shape": [1, -1, 4]}, node, "_anchors")

    def part(tensor: str, i: int, tag: str) -> str:
        return ctx.add("Slice", [tensor], {"starts": [i], "ends": [i + 1], "axes": [2]}, node, f"_{tag}")

    def scalar(value: float, tag: str) -> str:
        return ctx.constant(value, node, f"_{tag}", dtype)

    def op(name: str, a: str, b: str, tag: str) -> str:
        return ctx.add(name, [a, b], {}, node, f"_{tag}")

    ax, ay, aw, ah = (part(anchors, i, f"a{i}") for i in range(4))
    half = scalar(0.5, "half")
    if node.get_str("format", "center") == "corner":
        aw, ah = op("Sub", aw, ax, "aw"), op("Sub", ah, ay, "ah")
        ax, ay = op("Add", ax, op("Mul", aw, half, "aw_half"), "ax"), op("Add", ay, op("Mul", ah, half, "ah_half"),
                                                                         "ay")
    stds = [scalar(node.get_float(f"std{i}", 1.0), f"std{i}") for i in range(4)]
    d = [op("Mul", part(x, i, f"x{i}"), stds[i], f"x{i}_std") for i in range(4)]
    ox = op("Add", op("Mul", d[0], aw, "ox_scaled"), ax, "ox")
    oy = op("Add", op("Mul", d[1], ah, "oy_scaled"), ay, "oy")
    dw, dh = d[2], d[3]
    clip = node.get_float("clip", -1.0)
    if clip > 0:
        dw, dh = op("Min", dw, scalar(clip, "clip"), "dw_clip"), op("Min", dh, scalar(clip, "clip_h"), "dh_clip")
    dw, dh = ctx.add("Exp", [dw], {}, node, "_dw"), ctx.add("Exp", [dh], {}, node, "_dh")
    ow = op("Mul", op("Mul", dw, aw, "ow_full"), half, "ow")
    oh = op("Mul", op("Mul", dh, ah, "oh_full"), half, "oh")
    corners = [op("Sub", ox, ow, "xmin"), op("Sub", oy, oh, "ymin"), op("Add", ox, ow, "xmax"),
               op("Add", oy, oh, "ymax")]
    return [ctx.add("Concat", corners, {"axis": 2}, node)]
