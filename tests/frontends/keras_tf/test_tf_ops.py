"""TF GraphDef ops that Keras layers do not produce (or not in every configuration), in small
tf.functions frozen and converted, compared with TF's own output."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import frontc
from frontc.catalog.case import seeded_input
from frontc.catalog.keras_cases import nchw

from .helpers import assert_close

IMAGE = (2, 6, 7, 4)


def _convert(body: Callable[..., Any], *shapes: tuple[int, ...]) -> tuple[Any, list[np.ndarray]]:
    """Freeze ``body`` over float inputs x0, x1, ... of ``shapes`` and check it against TF."""
    import tensorflow as tf

    specs = [tf.TensorSpec(s, tf.float32, name=f"x{i}") for i, s in enumerate(shapes)]
    fn = tf.function(body, input_signature=specs)
    xs = [seeded_input(s, seed=i) for i, s in enumerate(shapes)]
    out = fn(*xs)
    refs = [nchw(np.asarray(o)) for o in (out if isinstance(out, (list, tuple)) else [out])]
    graph = frontc.load(fn, "tf")
    assert_close(graph, {f"x{i}": nchw(x) for i, x in enumerate(xs)}, refs)
    return graph, refs


def tf_() -> Any:
    import tensorflow as tf

    return tf


def _w(*shape: int, seed: int = 7) -> Any:
    return tf_().constant(seeded_input(shape, seed))


OPS: dict[str, tuple[Callable[..., Any], tuple[tuple[int, ...], ...]]] = {
    "conv_explicit_pads": (lambda x: tf_().nn.conv2d(x, _w(3, 3, 4, 5), 2, [[0, 0], [2, 0], [1, 3], [0, 0]]),
                           (IMAGE,)),
    "dilated_depthwise_same": (lambda x: tf_().nn.depthwise_conv2d(x, _w(3, 3, 4, 2), [1, 1, 1, 1], "SAME",
                                                                   dilations=[2, 3]), (IMAGE,)),
    "dilated_conv_valid": (lambda x: tf_().nn.conv2d(x, _w(2, 3, 4, 3), 1, "VALID", dilations=2), (IMAGE,)),
    "conv_transpose_explicit": (lambda x: tf_().nn.conv2d_transpose(
        x, _w(3, 3, 5, 4), [2, 11, 14, 5], 2, [[0, 0], [1, 1], [0, 1], [0, 0]]), (IMAGE,)),
    "fused_batch_norm": (lambda x: tf_().compat.v1.nn.fused_batch_norm(
        x, _w(4, seed=1), _w(4, seed=2), _w(4, seed=3), tf_().abs(_w(4, seed=4)) + 0.5, 0.01,
        is_training=False)[0], (IMAGE,)),
    "mirror_pad": (lambda x: tf_().pad(x, [[0, 0], [2, 1], [0, 3], [0, 0]], mode="REFLECT"), (IMAGE,)),
    "pad_value": (lambda x: tf_().pad(x, [[1, 0], [0, 2], [1, 1], [0, 1]], constant_values=-2.5), (IMAGE,)),
    "strided_slice": (lambda x: x[:, 1:-1:2, ::-2, 1:3], (IMAGE,)),
    "strided_slice_shrink": (lambda x: x[:, 2, :, -1], (IMAGE,)),
    "strided_slice_newaxis": (lambda x: x[..., None, 1:], (IMAGE,)),
    "slice": (lambda x: tf_().slice(x, [0, 1, 2, 0], [-1, 3, -1, 2]), (IMAGE,)),
    "transpose_identity_of_nchw": (lambda x: tf_().transpose(x, [0, 3, 1, 2]) * 2, (IMAGE,)),
    "transpose": (lambda x: tf_().transpose(x, [2, 0, 3, 1]), (IMAGE,)),
    "tile": (lambda x: tf_().tile(x, [1, 2, 1, 3]), (IMAGE,)),
    "repeat_height": (lambda x: tf_().repeat(x, 3, axis=1), (IMAGE,)),
    "repeat_channels": (lambda x: tf_().repeat(x, 2, axis=3), (IMAGE,)),
    "expand_then_reduce": (lambda x: tf_().reduce_sum(tf_().expand_dims(x, 2), axis=[4]), (IMAGE,)),
    "squeeze": (lambda x: tf_().squeeze(x[:, :1], axis=1), (IMAGE,)),
    "mean_height": (lambda x: tf_().reduce_mean(x, axis=1), (IMAGE,)),
    "max_keepdims": (lambda x: tf_().reduce_max(x, axis=[1, 2], keepdims=True), (IMAGE,)),
    "min_channels": (lambda x: tf_().reduce_min(x, axis=-1), (IMAGE,)),
    "sum_width_channels": (lambda x: tf_().reduce_sum(x, axis=[2, 3]), (IMAGE,)),
    "avg_pool_same": (lambda x: tf_().nn.avg_pool2d(x, 3, 2, "SAME"), (IMAGE,)),
    "resize_bilinear_align": (lambda x: tf_().compat.v1.image.resize_bilinear(x, [11, 5], align_corners=True),
                              (IMAGE,)),
    "resize_bilinear_legacy": (lambda x: tf_().compat.v1.image.resize_bilinear(x, [11, 9]), (IMAGE,)),
    "resize_nearest_align": (lambda x: tf_().compat.v1.image.resize_nearest_neighbor(
        x, [12, 13], align_corners=True), (IMAGE,)),
    "resize_nearest_half_pixel": (lambda x: tf_().image.resize(x, [9, 4], method="nearest"), (IMAGE,)),
    "pack_and_concat": (lambda x, y: tf_().concat([tf_().stack([x, y], axis=1)[:, 0], y], axis=2),
                        (IMAGE, IMAGE)),
    "broadcast_to_image": (lambda x, y: x * tf_().reduce_mean(y, axis=[0, 1, 2])
                           - tf_().reshape(tf_().reduce_mean(y, axis=[1, 2]), [2, 1, 1, 4]), (IMAGE, IMAGE)),
    "matmul_tensors": (lambda x, y: tf_().matmul(x, y, transpose_b=True), ((3, 5), (4, 5))),
    "math": (lambda x: tf_().math.squared_difference(tf_().math.rsqrt(tf_().abs(x) + 1), tf_().square(x))
             + tf_().nn.leaky_relu(x, 0.1) - tf_().nn.elu(x) + tf_().nn.selu(x), (IMAGE,)),
    "softmax_rank3": (lambda x: tf_().nn.softmax(x[:, 0]), (IMAGE,)),
    "gather_channels": (lambda x: tf_().gather(x, [3, 0, 0], axis=3), (IMAGE,)),
    "cast_round_trip": (lambda x: tf_().cast(tf_().cast(x * 4, tf_().int32), tf_().float32), (IMAGE,)),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_tf_op(name: str) -> None:
    body, shapes = OPS[name]
    _convert(body, *shapes)


def test_repeat_becomes_one_resize() -> None:
    graph, _ = _convert(lambda x: tf_().repeat(x, 3, axis=1), IMAGE)
    assert [n.op for n in graph.nodes] == ["Resize"]


def test_dilated_conv_is_one_conv() -> None:
    graph, _ = _convert(lambda x: tf_().nn.conv2d(x, _w(3, 3, 4, 2), 1, "SAME", dilations=2), IMAGE)
    assert [n.op for n in graph.nodes] == ["Conv"] and graph.nodes[0].attrs["dilations"] == [2, 2]


def test_bias_add_folds_into_conv() -> None:
    graph, _ = _convert(lambda x: tf_().nn.relu(tf_().nn.bias_add(tf_().nn.conv2d(x, _w(1, 1, 4, 3), 1, "SAME"),
                                                                  _w(3, seed=1))), IMAGE)
    assert [n.op for n in graph.nodes] == ["Conv", "Relu"] and len(graph.nodes[0].inputs) == 3
    assert graph.nodes[0].meta["fused_sources"]


def test_pb_outputs_option(tmp_path: Any) -> None:
    import tensorflow as tf

    from frontc.frontends.keras_tf.sources import freeze

    fn = tf.function(lambda x: (tf.nn.relu(x), tf.nn.sigmoid(x)),
                     input_signature=[tf.TensorSpec(IMAGE, tf.float32, name="x")])
    graph_def, outputs = freeze(fn.get_concrete_function())
    (tmp_path / "two.pb").write_bytes(graph_def.SerializeToString())
    assert len(frontc.load(tmp_path / "two.pb", "tf").outputs) == 2
    graph = frontc.load(tmp_path / "two.pb", "tf", outputs=[outputs[1]])
    assert [n.op for n in graph.nodes] == ["Sigmoid"]
