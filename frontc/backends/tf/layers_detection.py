"""A Keras layer for BoxNMS: MXNet's box_nms algorithm in TensorFlow (stable sorts, float IoU,
a while loop for the greedy pass), so a SavedModel keeps the detection head."""
from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from frontc.backends.tf.layers_math import PACKAGE, FrontcLayer


def box_edges(boxes: Any, fmt: str) -> tuple[Any, ...]:
    """(left, top, right, bottom) and the area of each box (0 when a side is negative)."""
    a1, a2, a3, a4 = tf.unstack(boxes, axis=-1)
    if fmt == "corner":
        width, height, edges = a3 - a1, a4 - a2, (a1, a2, a3, a4)
    else:
        half_w, half_h = a3 / 2, a4 / 2
        width, height, edges = a3, a4, (a1 - half_w, a2 - half_h, a1 + half_w, a2 + half_h)
    area = tf.where((width < 0) | (height < 0), tf.zeros_like(width), width * height)
    return (*edges, area)


def greedy(suppress: Any) -> Any:
    """(k,) bool: the rows kept when each kept row, in order, drops the later rows it suppresses."""
    count = tf.shape(suppress)[0]
    later = tf.range(count)

    def step(ref: Any, kept: Any) -> tuple[Any, Any]:
        drop = suppress[ref] & (later > ref) & kept[ref]
        return ref + 1, kept & ~drop

    _, kept = tf.while_loop(lambda ref, kept: ref < count, step, [0, tf.ones([count], tf.bool)])
    return kept


@keras.saving.register_keras_serializable(PACKAGE)
class BoxNMS(FrontcLayer):
    """Greedy per-batch NMS over (..., boxes, width); kept rows first by descending score, the rest -1.
    ``options`` holds the IR attributes of BoxNMS."""

    def __init__(self, options: dict | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.options = dict(options or {})

    def keep(self, boxes: Any) -> Any:
        o = self.options
        scores = boxes[:, o["score_index"]]
        valid = scores > tf.constant(o["valid_thresh"], tf.float32)
        if o["id_index"] >= 0:
            valid &= boxes[:, o["id_index"]] != tf.constant(o["background_id"], boxes.dtype)
        index = tf.where(valid)[:, 0]
        order = tf.gather(index, tf.argsort(tf.gather(scores, index), direction="DESCENDING", stable=True))
        if o["topk"] >= 0:
            order = order[:o["topk"]]
        start = o["coord_start"]
        left, top, right, bottom, area = box_edges(tf.gather(boxes, order)[:, start:start + 4], o["format"])
        w = tf.minimum(right[:, None], right[None]) - tf.maximum(left[:, None], left[None])
        h = tf.minimum(bottom[:, None], bottom[None]) - tf.maximum(top[:, None], top[None])
        inter = tf.where(w > 0, w, tf.zeros_like(w)) * tf.where(h > 0, h, tf.zeros_like(h))
        iou = inter / (area[:, None] + area[None] - inter)
        suppress = iou > tf.constant(o["overlap_thresh"], tf.float32)
        if o["id_index"] >= 0 and not o["force_suppress"]:
            ids = tf.cast(tf.gather(boxes[:, o["id_index"]], order), tf.int64)
            suppress &= ids[:, None] == ids[None]
        return tf.boolean_mask(order, greedy(suppress))

    def one(self, boxes: Any) -> Any:
        rows = tf.gather(boxes, self.keep(boxes))
        pad = -tf.ones([tf.shape(boxes)[0] - tf.shape(rows)[0], tf.shape(boxes)[1]], boxes.dtype)
        return tf.concat([rows, pad], 0)

    def call(self, x: Any) -> Any:
        rows = tf.reshape(x, [-1, x.shape[-2], x.shape[-1]])
        out = tf.map_fn(self.one, rows, fn_output_signature=tf.TensorSpec([x.shape[-2], x.shape[-1]], x.dtype))
        return tf.reshape(out, tf.shape(x))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "options": self.options}
