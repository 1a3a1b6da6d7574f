"""The NHWC -> NCHW conversion: weight layouts, the Flatten -> Dense row permutation, TF's
'same' padding, graph meta and traceable names."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.catalog import keras_cases
from frontc.catalog.case import seeded_input
from frontc.frontends.keras_tf.layout import NCHW, const_for, flat_order, ir_axis, same_pads

from .helpers import assert_close, check, frozen


@pytest.fixture(scope="module")
def flatten_case():
    return keras_cases.cases()["flatten_dense"]()


@pytest.mark.parametrize("path", ["keras", "graphdef"])
def test_flatten_dense_permutes_weight_rows(flatten_case, path: str) -> None:
    case = flatten_case
    model = case.source
    shape = case.input_shapes["image"]
    graph = frontc.load(model if path == "keras" else frozen(model, shape), "tf",
                        input_shapes=case.input_shapes)
    assert "Transpose" not in [n.op for n in graph.nodes]  # the permutation is in the weight
    dense = next(n for n in graph.nodes if n.op == "Dense")
    kernel = np.asarray(model.get_layer("dense").kernel)  # (H*W*C, 7), rows in HWC order
    assert np.array_equal(graph.params[dense.inputs[1]], kernel[flat_order((6, 5, 3))].T)
    assert_close(graph, case.feeds, case.reference)
    # the naive weight (rows left in HWC order) is far off: the test can see the classic bug
    naive = graph.copy()
    naive.params[dense.inputs[1]] = np.ascontiguousarray(kernel.T)
    out = frontc.run(naive, case.feeds)[naive.outputs[0]]
    assert np.abs(out - case.reference[0]).max() > 0.1 * np.abs(case.reference[0]).max()


def test_flatten_order() -> None:
    x = np.arange(2 * 3 * 4).reshape(1, 2, 3, 4)  # NHWC
    ir_flat = x.transpose(0, 3, 1, 2).reshape(1, -1)
    assert np.array_equal(ir_flat[0], x.reshape(1, -1)[0][flat_order((2, 3, 4))])


def test_axis_and_constant_mapping() -> None:
    assert [ir_axis(a, 4, NCHW) for a in (0, 1, 2, 3, -1)] == [0, 2, 3, 1, 1]
    bias = np.arange(3.0)
    assert const_for(bias, NCHW).shape == (1, 3, 1, 1)
    x = np.random.default_rng(0).standard_normal((2, 4, 5, 3))
    assert np.array_equal((x + bias).transpose(0, 3, 1, 2), x.transpose(0, 3, 1, 2) + const_for(bias, NCHW))


@pytest.mark.parametrize("size,kernel,stride,dilation", [
    (16, 3, 2, 1), (17, 3, 2, 1), (7, 4, 3, 1), (10, 1, 2, 1), (9, 3, 1, 2), (8, 5, 4, 1), (5, 7, 1, 1)])
def test_same_pads_match_tensorflow(size: int, kernel: int, stride: int, dilation: int) -> None:
    import tensorflow as tf

    x = seeded_input((1, size, size + 1, 2))
    w = seeded_input((kernel, kernel, 2, 3), seed=1)
    want = tf.nn.conv2d(x, w, stride, "SAME", dilations=dilation).numpy()
    pads = same_pads([size, size + 1], [kernel] * 2, [stride] * 2, [dilation] * 2)
    assert all(end - begin in (0, 1) for begin, end in zip(pads[:2], pads[2:]))  # extra at the end
    padded = np.pad(x, [(0, 0), (pads[0], pads[2]), (pads[1], pads[3]), (0, 0)])
    got = tf.nn.conv2d(padded, w, stride, "VALID", dilations=dilation).numpy()
    np.testing.assert_array_equal(got, want)


def test_weights_and_meta() -> None:
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    x = keras.Input((8, 8, 3), name="pixels")
    y = layers.DepthwiseConv2D(3, depth_multiplier=2, name="dw")(layers.Conv2D(4, 3, name="c")(x))
    model = keras.Model(x, y)
    graph = check(model, (1, 8, 8, 3), paths=("keras",))["keras"]
    conv, dw = graph.nodes
    kernel = np.asarray(model.get_layer("c").kernel)
    assert np.array_equal(graph.params[conv.inputs[1]], kernel.transpose(3, 2, 0, 1))
    dk = np.asarray(model.get_layer("dw").kernel)  # (3, 3, 4, 2)
    w = graph.params[dw.inputs[1]]
    assert w.shape == (8, 1, 3, 3) and dw.attrs["group"] == 4
    assert np.array_equal(w[2 * 1 + 1, 0], dk[:, :, 1, 1])  # output channel c*mult + m
    assert graph.inputs[0].shape == (1, 3, 8, 8) and graph.inputs[0].layout == "NCHW"
    assert graph.meta["source_layout"] == "NHWC"
    conversion = graph.meta["layout_conversion"]
    assert conversion["inputs"] == {"pixels": "NCHW"} and conversion["outputs"] == {graph.outputs[0]: "NCHW"}
    assert conversion["transposes"] == 0
    assert {n.name: n.meta["source"] for n in graph.nodes} == {"c": "c", "dw": "dw"}


def test_reshape_of_image_goes_through_nhwc() -> None:
    """A Reshape of an NCHW tensor must see the NHWC element order: an explicit Transpose."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    x = keras.Input((4, 6, 3), name="x")
    model = keras.Model(x, layers.Reshape((3, 8, 3))(layers.Conv2D(3, 1)(x)))
    graph = check(model, (2, 4, 6, 3))["keras"]
    assert [n.op for n in graph.nodes] == ["Conv", "Transpose", "Reshape", "Transpose"]
    assert graph.meta["layout_conversion"]["transposes"] == 2
