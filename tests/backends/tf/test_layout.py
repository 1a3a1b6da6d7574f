"""Layout tracking: where the model transposes, and that every such graph still matches the IR."""
from __future__ import annotations

import numpy as np

from frontc.backends.tf import run_keras, to_keras
from frontc.frontends.builder import GraphBuilder
from frontc.interpreter import run
from frontc.testing.graphs import tiny_resnet
from tests.backends.tf.util import check, layer_classes, randn


def _conv(b: GraphBuilder, x: str, cin: int, cout: int, name: str) -> str:
    return b.add1("Conv", [x, b.param(f"{name}.w", randn(cout, cin, 3, 3)), b.param(f"{name}.b", randn(cout))],
                  {"pads": [1, 1, 1, 1]}, name=name)


def flatten_dense() -> tuple:
    """Conv (channels-last inside) -> Flatten of a 3x4 map -> Dense: Flatten must use NCHW order."""
    b = GraphBuilder("flatten_dense", "test")
    x = b.input("x", (2, 3, 3, 4))
    y = b.add1("Flatten", [_conv(b, x, 3, 5, "conv")], name="flatten")
    w = randn(7, 5 * 3 * 4, seed=2)
    return b.finish([b.add1("Dense", [y, b.param("fc.w", w), b.param("fc.b", randn(7))], name="fc")]), w


def test_flatten_dense_transposes_to_nchw_before_flatten():
    graph, w = flatten_dense()
    check(graph, linear=True)
    check(graph, linear=True, channels_last_io=True)
    model = to_keras(graph)
    names = [layer.name for layer in model.layers]
    assert names.index("conv_to_nchw") == names.index("flatten") - 1  # the chosen strategy
    np.testing.assert_array_equal(model.get_layer("fc").get_weights()[0], w.T)  # IR rows kept


def test_flatten_after_global_pool_needs_no_transpose():
    b = GraphBuilder("gap", "test")
    x = b.input("x", (1, 3, 6, 6))
    p = b.add1("GlobalAvgPool", [_conv(b, x, 3, 8, "conv")], name="gap")
    graph = b.finish([b.add1("Flatten", [p], name="flatten")])
    check(graph)
    assert layer_classes(to_keras(graph)).count("Permute") == 1  # the input's only


def test_tiny_resnet_transposes_once():
    graph = tiny_resnet()
    assert layer_classes(to_keras(graph)).count("Permute") == 1
    assert layer_classes(to_keras(graph, channels_last_io=True)).count("Permute") == 0


def test_channel_ops_after_conv_stay_channels_last():
    """Concat/Softmax/Split/ReduceMean over axis 1 and a per-channel Mul, all on NHWC tensors."""
    b = GraphBuilder("channel_ops", "test")
    x = b.input("x", (1, 3, 5, 5))
    c1, c2 = _conv(b, x, 3, 4, "c1"), _conv(b, x, 3, 2, "c2")
    cat = b.add1("Concat", [c1, c2], {"axis": 1}, name="cat")
    scaled = b.add1("Mul", [cat, b.param("scale", randn(6, 1, 1))], name="scale")
    left, right = b.add("Split", [scaled], {"axis": 1, "split": [4, 2]}, name="split", outputs=2)
    soft = b.add1("Softmax", [left], {"axis": 1}, name="soft")
    mean = b.add1("ReduceMean", [right], {"axes": [1], "keepdims": 1}, name="mean")
    graph = b.finish([b.add1("Add", [soft, mean], name="add")])
    check(graph, trace=True)
    model = to_keras(graph)
    assert layer_classes(model).count("Permute") == 2  # input and output only
    assert model.get_layer("cat").axis in (-1, 3)  # channels-last


def test_source_nhwc_graph_cancels_transposes():
    """An IR as the TF frontend writes it (NHWC input, Transposes around a Conv): no Permute left."""
    b = GraphBuilder("from_tf", "test")
    x = b.input("x", (1, 6, 6, 3))
    t = b.add1("Transpose", [x], {"perm": [0, 3, 1, 2]}, name="to_nchw")
    y = b.add1("Transpose", [_conv(b, t, 3, 4, "conv")], {"perm": [0, 2, 3, 1]}, name="to_nhwc")
    graph = b.finish([y])
    check(graph, linear=True)
    assert "Permute" not in layer_classes(to_keras(graph))


def test_squeeze_excitation_block():
    """GAP -> Flatten -> Dense -> Dense -> Reshape(N, C, 1, 1) -> Mul: no transposes on the way."""
    b = GraphBuilder("se", "test")
    x = b.input("x", (1, 8, 5, 5))
    f = _conv(b, x, 8, 8, "conv")
    s = b.add1("Flatten", [b.add1("GlobalAvgPool", [f], name="gap")], name="flat")
    s = b.add1("Dense", [s, b.param("fc1.w", randn(2, 8)), b.param("fc1.b", randn(2))],
               {"activation": "Relu"}, name="fc1")
    s = b.add1("Dense", [s, b.param("fc2.w", randn(8, 2)), b.param("fc2.b", randn(8))],
               {"activation": "Sigmoid"}, name="fc2")
    s = b.add1("Reshape", [s], {"shape": [1, 8, 1, 1]}, name="excite")
    graph = b.finish([b.add1("Mul", [f, s], name="scale")])
    check(graph)
    assert layer_classes(to_keras(graph)).count("Permute") == 2


def test_channels_last_io_edges():
    graph = tiny_resnet()
    model = to_keras(graph, channels_last_io=True)
    assert tuple(model.inputs[0].shape) == (1, 32, 32, 3)
    feeds = {"data": np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)}
    np.testing.assert_allclose(run_keras(model, feeds)["prob"], run(graph, feeds)["prob"], atol=1e-6)
