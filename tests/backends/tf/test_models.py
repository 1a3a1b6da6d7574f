"""Small networks: tiny_resnet raw and after both pipelines, per-tensor traces, IR names on layers,
weights back to IR params, and a .keras save/load of the custom layers."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from frontc.backends.tf import keras_build, params_from_keras, run_keras, to_keras
from frontc.frontends.builder import GraphBuilder
from frontc.interpreter import run
from frontc.passes import run_pipeline
from frontc.testing.graphs import tiny_resnet
from tests.backends.tf.util import check, feeds_for, randn


@pytest.fixture(scope="module")
def graphs():
    graph = tiny_resnet()
    return {"raw": graph, "reconstruct": run_pipeline(graph, "reconstruct")[0],
            "cmodel": run_pipeline(graph, "cmodel")[0]}


@pytest.mark.parametrize("form", ["raw", "reconstruct", "cmodel"])
def test_tiny_resnet(graphs, form, image_feeds):
    graph = graphs[form]
    check(graph, image_feeds, linear=True, trace=True)
    check(graph, image_feeds, linear=True, channels_last_io=True, trace=True)
    assert run_keras(to_keras(graph), image_feeds)["prob"].argmax() == run(graph, image_feeds)["prob"].argmax()


@pytest.fixture(scope="module")
def image_feeds():
    return {"data": np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)}


def test_cmodel_conv_layers(graphs):
    """Fused residual and activation become an Add and an activation layer after the conv."""
    model = to_keras(graphs["cmodel"])
    assert keras_build(model).node_layers["block.conv2"] == \
        ["block.conv2", "block.conv2_residual", "block.conv2_relu"]
    assert type(model.get_layer("dw.conv")).__name__ == "DepthwiseConv2D"


@pytest.mark.parametrize("form", ["raw", "cmodel"])
def test_params_round_trip(graphs, form, image_feeds):
    """Weights map back to IR params exactly; after changing them in Keras, the IR with the
    extracted params computes what the Keras model computes."""
    graph = graphs[form]
    model = to_keras(graph)
    params = params_from_keras(graph, model)
    assert set(params) == set(graph.params)
    for name, value in params.items():
        assert value.dtype == graph.params[name].dtype and np.array_equal(value, graph.params[name]), name
    rng = np.random.default_rng(5)
    for layer in model.layers:
        layer.set_weights([w * rng.uniform(0.5, 1.5, w.shape).astype(w.dtype) for w in layer.get_weights()])
    changed = graph.copy()
    changed.params = params_from_keras(graph, model)
    assert any(not np.array_equal(changed.params[k], graph.params[k]) for k in graph.params)
    expected = run(changed, image_feeds)["prob"]
    np.testing.assert_allclose(run_keras(model, image_feeds)["prob"], expected, rtol=1e-5, atol=1e-6)


def custom_layer_zoo():
    """One graph using most custom layers (and constants), to save and reload as .keras."""
    b = GraphBuilder("zoo", "test")
    x = b.input("x", (1, 4, 6, 6))
    y = b.add1("Pad", [x], {"pads": [0, 0, 1, 1, 0, 0, 1, 1], "mode": "edge"}, name="pad")
    y = b.add1("MaxPool", [y], {"kernel_shape": [2, 2], "dilations": [2, 2]}, name="pool")
    y = b.add1("HardSigmoid", [y], {"alpha": 0.3}, name="hsig")
    y = b.add1("Mul", [y, b.param("scale", randn(4, 1, 1))], name="scale")
    y = b.add1("Resize", [y], {"mode": "linear", "coordinate_transformation_mode": "half_pixel_symmetric",
                               "scales": [1.0, 1.0, 1.5, 1.5]}, name="resize")
    y = b.add1("Slice", [y], {"starts": [1], "ends": [-1], "axes": [2]}, name="slice")
    y = b.add1("Gather", [y, b.param("idx", np.array([3, 0, -1], np.int64))], {"axis": 1}, name="gather")
    y = b.add1("LRN", [y], {"size": 2}, name="lrn")
    y = b.add1("Concat", [y, b.param("extra", randn(1, 1, 7, 9))], {"axis": 1}, name="concat")
    y = b.add1("DepthToSpace", [y], {"blocksize": 2, "mode": "CRD"}, name="d2s")
    return b.finish([b.add1("ReduceSum", [y], {"axes": [1, 3], "keepdims": 0}, name="sum")])


def test_keras_file_round_trip(tmp_path):
    graph = custom_layer_zoo()
    check(graph, trace=True)
    model = to_keras(graph)
    model.save(tmp_path / "zoo.keras")
    loaded = keras.models.load_model(tmp_path / "zoo.keras")
    feeds = feeds_for(graph)
    np.testing.assert_array_equal(np.asarray(loaded(feeds["x"])), np.asarray(model(feeds["x"])))
    reloaded = params_from_keras(graph, loaded)  # found by layer name, not by build record
    assert set(reloaded) == set(graph.params)
    assert all(np.array_equal(reloaded[k], graph.params[k]) for k in graph.params)


@pytest.mark.parametrize("dtype", ["float64", "float16"])
def test_other_float_dtypes(dtype):
    """No layer casts to float32 on the way: a float64 / float16 graph keeps its dtype."""
    b = GraphBuilder(dtype, "test")
    x = b.input("x", (1, 2, 6, 6), dtype)
    w = b.param("w", randn(4, 1, 3, 3), dtype=dtype)
    y = b.add1("Conv", [x, w], {"pads": [1, 1, 1, 1], "group": 2}, name="conv")
    y = b.add1("MaxPool", [y], {"kernel_shape": [2, 2], "strides": [2, 2]}, name="pool")
    y = b.add1("Relu", [b.add1("Concat", [y, y], {"axis": 1}, name="cat")], name="relu")
    graph = b.finish([b.add1("Flatten", [y], name="flat")])
    feeds = feeds_for(graph)
    reference = run(graph, feeds)["flat"]
    actual = run_keras(to_keras(graph), feeds)["flat"]
    assert actual.dtype == reference.dtype
    # both sides compute in this dtype, accumulating in different orders: a few ulps apart
    tol = 4 * float(np.finfo(dtype).eps) if dtype == "float16" else 1e-12
    assert float(np.abs(actual.astype(np.float64) - reference).max()) <= tol * float(np.abs(reference).max())
