"""The Keras source runner: layer outputs (NHWC, flattened HWC) in the IR's layout against the
IR interpreter."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.catalog import keras_cases
from frontc.compiler import compile_graph
from frontc.frontends.keras_tf.layout import NCHW, PLAIN, Layout
from frontc.sources import source_trace
from frontc.sources.keras import ir_layouts, to_ir
from tests.sources.helpers import assert_matches_interpreter, feeds_for, plant_bug, run_diff, save_input

WEIGHTED = ("Conv2D", "DepthwiseConv2D", "Dense")


@pytest.mark.parametrize("build, layers", [
    (keras_cases.small_cnn, 8),  # BatchNorm, ReLU6, depthwise, pools, Dense softmax
    (keras_cases.small_functional, 10),  # two outputs, Add, Concatenate, UpSampling2D
    (keras_cases.flatten_dense, 3),  # Flatten of an NCHW image: compared in CHW order
])
def test_every_layer_output_matches_the_interpreter(build, layers):
    model = build()
    graph = frontc.load(model, "tf")
    feeds = feeds_for(graph)
    trace = source_trace("tf", model, graph, feeds)
    weighted = [layer.name for layer in model.layers if type(layer).__name__ in WEIGHTED]
    producers = {t: n.meta["source"] for n in graph.nodes for t in n.outputs}
    assert set(weighted) <= {producers[t] for t in trace}
    assert len(trace) == len(model.layers) - sum(type(x).__name__ == "InputLayer" for x in model.layers) == layers
    assert_matches_interpreter(trace, graph, feeds)


def test_fused_graph_matches_at_the_tensors_it_kept():
    model = keras_cases.small_cnn()
    graph = compile_graph(frontc.load(model, "tf")).cmodel
    feeds = feeds_for(graph)
    trace = source_trace("tf", model, graph, feeds)
    assert len(trace) >= 5 and graph.outputs[0] in trace
    assert_matches_interpreter(trace, graph, feeds)


def test_flatten_of_an_image_is_flat_in_chw_order():
    graph = frontc.load(keras_cases.flatten_dense(), "tf")
    layouts = ir_layouts(graph)
    assert layouts["conv"] == NCHW and layouts["flatten"] == Layout("flat", (6, 5, 3))
    assert layouts["dense"] == PLAIN
    nhwc = np.arange(2 * 6 * 5 * 3).reshape(2, 6, 5, 3)
    expected = nhwc.transpose(0, 3, 1, 2).reshape(2, -1)
    np.testing.assert_array_equal(to_ir(nhwc.reshape(2, -1), layouts["flatten"]), expected)


def test_diff_names_the_conv_with_a_planted_bug(tmp_path, capsys):
    path = tmp_path / "small_cnn.keras"
    keras_cases.small_cnn().save(path)
    graph = frontc.load(str(path), "tf")
    args = ["--graph", plant_bug(graph, "depthwise", tmp_path), "--a", "source", "--b", "ir",
            "--source", str(path), "--framework", "tf", "--input_npy", save_input(graph, tmp_path)]
    code, out = run_diff(args, capsys)
    assert code == 1
    assert "first layer with rel_max > 0.0001: depthwise (Conv)" in out


def test_a_saved_model_has_no_layers_to_trace(tmp_path):
    graph = frontc.load(keras_cases.flatten_dense(), "tf")
    with pytest.raises(frontc.FrontcError, match="reads Keras models"):
        source_trace("tf", str(tmp_path), graph, feeds_for(graph))
