"""The MXNet ops of detection heads (topk, gather_nd, where, comparisons, integer mod, tile,
repeat, slice_like, shape_array, _arange, zeros/ones_like, box_decode, box_nms) as symbols saved
to checkpoint files, converted and run by the interpreter against MXNet's own forward; NMS and
index ops must match exactly (tie-heavy inputs: equal scores, equal IoUs, ids of -1)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import frontc
from frontc.ir.errors import UnsupportedOpError
from tests.backends.boxes import tie_boxes as boxes
from tests.frontends.mxnet.helpers import assert_close, mx
from tests.frontends.mxnet.test_ops import mxnet_forward, saved

sym = mx.sym


def _nms(fmt: str, **kw: Any) -> Callable[[Any], Any]:
    return lambda d: sym.contrib.box_nms(d, in_format=fmt, out_format=fmt, **kw)


def _decode(d: Any, fmt: str, clip: float) -> Any:
    anchors = sym.var("anchors")
    return sym.contrib.box_decode(d, anchors, std0=0.1, std1=0.1, std2=0.2, std3=0.2, clip=clip, format=fmt)


def _centernet_indices(d: Any) -> Any:
    """The index arithmetic of gluoncv's CenterNetDecoder (shape_array, int64 div/mod, gather_nd)."""
    _, _, h, w = d.shape_array().split(num_outputs=4, axis=0)
    scores, index = d.reshape((0, -1)).topk(k=7, ret_typ="both")
    index = sym.cast(index, "int64")
    cls = sym.cast(sym.broadcast_div(index, h * w), "float32")
    pos = sym.broadcast_mod(index, h * w)
    ys, xs = sym.broadcast_div(pos, w), sym.broadcast_mod(pos, w)
    table = d.transpose((0, 2, 3, 1)).reshape((0, -1, 3))
    batch = sym.cast(sym.arange(256).slice_like(table, axes=(0)).expand_dims(-1).tile(reps=(1, 7)), "int64")
    first = sym.zeros_like(batch, dtype="int64")
    picked = sym.gather_nd(table, sym.concat(batch, pos, first, dim=0).reshape((3, -1))).reshape((-1, 7))
    return sym.concat(cls, scores, sym.cast(ys, "float32") + picked, sym.cast(xs, "float32"),
                      sym.ones_like(scores), dim=1)


# topk inputs are distinct: MXNet orders equal values as libstdc++'s (unstable) std::sort /
# std::partial_sort leave them, the IR's TopK puts the lower index first
DISTINCT = np.random.default_rng(3).permutation(64).astype(np.float32) / 8

# id -> (symbol from the data variable, input, extra weights, exact)
CASES: dict[str, tuple[Callable[[Any], Any], np.ndarray, dict[str, np.ndarray], bool]] = {
    **{f"box_nms_{fmt}_{i}": (_nms(fmt, **kw), boxes(30, fmt, seed=i), {}, True)
       for fmt in ("corner", "center") for i, kw in enumerate([
           {}, {"id_index": 0, "overlap_thresh": 0.3, "topk": 8},
           {"id_index": 0, "force_suppress": True, "valid_thresh": 0.2},
           {"id_index": 0, "background_id": 1, "topk": 400}])},
    "box_nms_nothing_valid": (_nms("corner", valid_thresh=2.0), boxes(5), {}, True),
    "box_nms_rank4": (_nms("corner", id_index=0), boxes(12, batch=6).reshape(2, 3, 12, 6), {}, True),
    "box_decode_center_clip": (lambda d: _decode(d, "center", 1.5), np.random.default_rng(1).normal(
        0, 3, (2, 9, 4)).astype(np.float32), {"anchors": np.abs(boxes(9, "center", batch=1)[..., 2:])}, False),
    "box_decode_corner": (lambda d: _decode(d, "corner", -1), np.random.default_rng(2).normal(
        0, 1, (2, 9, 4)).astype(np.float32), {"anchors": boxes(9, batch=1)[..., 2:]}, False),
    "topk_both": (lambda d: sym.concat(*sym.topk(d, k=5, axis=1, ret_typ="both"), dim=1),
                  DISTINCT[:40].reshape(2, 20), {}, True),
    "topk_ascending_indices_int": (lambda d: sym.cast(sym.topk(d, k=4, axis=0, is_ascend=True, dtype="int32"),
                                                      "float32"),
                                   DISTINCT[:27].reshape(9, 3), {}, True),
    "topk_value": (lambda d: sym.topk(d, k=3, ret_typ="value"), np.random.default_rng(5).normal(
        0, 1, (2, 3, 8)).astype(np.float32), {}, True),
    "centernet_indices": (_centernet_indices, np.random.default_rng(6).uniform(0, 1, (2, 3, 4, 5)).astype(
        np.float32), {}, True),
    "where_compare": (lambda d: sym.where(d > 0.2, d, sym.zeros_like(d)) + sym.where(
        sym.slice_axis(d, axis=1, begin=0, end=1).reshape((-1,)) <= 0, d, d * 2) + sym.broadcast_equal(
        d, sym.floor(d)) + (d != 0.5) + sym.broadcast_greater_equal(d, d * d) + (d < -0.3),
        np.round(np.random.default_rng(7).normal(0, 1, (4, 5)), 1).astype(np.float32), {}, True),
    "tile_repeat_slice_like": (lambda d: sym.concat(
        sym.tile(d, reps=(2, 1, 1, 3)).reshape((2, -1)),
        sym.tile(d.reshape((-1,)), reps=(2, 1)).reshape((2, -1)),
        sym.repeat(d, repeats=2, axis=-1).reshape((2, -1)),
        sym.repeat(d, repeats=2).reshape((2, -1)),
        sym.slice_like(d, sym.var("like"), axes=(2, 3)).reshape((2, -1)), dim=1),
        np.random.default_rng(8).normal(0, 1, (2, 2, 3, 4)).astype(np.float32),
        {"like": np.zeros((2, 2, 2, 2), np.float32)}, True),
    "arange_repeat_step": (lambda d: sym.broadcast_add(d, sym.arange(start=1.5, stop=4, step=0.25, repeat=2)
                                                      .reshape((1, -1))),
                           np.zeros((2, 20), np.float32), {}, True),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_head_op_matches_mxnet(case, tmp_path):
    build, x, weights, exact = CASES[case]
    symbol = build(sym.var("data"))
    reference = mxnet_forward(symbol, weights, x)
    graph = frontc.load(saved(symbol, weights, tmp_path / case), "mxnet", input_shapes={"data": x.shape})
    got = frontc.run(graph, {"data": x})[graph.outputs[0]]
    if exact:
        np.testing.assert_array_equal(got, reference)
    else:
        assert_close(got, reference)


@pytest.mark.parametrize("symbol, what", [
    (lambda d: sym.contrib.box_nms(d, in_format="corner", out_format="center"), "out_format"),
    (lambda d: sym.broadcast_mod(d, d + 1), "float32 operands"),
])
def test_unsupported_head_settings_are_refused(symbol, what, tmp_path):
    path = saved(symbol(sym.var("data")), {}, tmp_path / "bad")
    with pytest.raises(Exception, match=what) as info:
        frontc.load(path, "mxnet", input_shapes={"data": (1, 4, 6)})
    assert isinstance(info.value, UnsupportedOpError) or "UnsupportedOpError" in type(info.value).__name__ or \
        info.value.__class__.__name__ == "ModelLoadError"
