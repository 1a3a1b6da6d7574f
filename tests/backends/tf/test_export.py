"""Export artifacts, each run by its own runtime and compared with the IR interpreter:
SavedModel (reloaded), frozen GraphDef (imported with tf.compat.v1), TFLite (tf.lite.Interpreter),
and the frozen graph read back by frontc's own TF frontend."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import frontc
from frontc.backends.tf import save_frozen_pb, save_saved_model, to_keras, to_tflite
from frontc.interpreter import run
from frontc.passes import run_pipeline
from frontc.testing.graphs import tiny_resnet
from tests.backends.tf.test_models import custom_layer_zoo
from tests.backends.tf.util import feeds_for, max_error, randn, single

TOL = 1e-5  # relative to max |ref|: whole networks of convolutions
pytestmark = pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated:UserWarning")


@pytest.fixture(scope="module")
def case():
    graph = run_pipeline(tiny_resnet(), "cmodel")[0]
    feeds = {"data": np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)}
    return graph, to_keras(graph), feeds, run(graph, feeds)["prob"]


def assert_close(actual: np.ndarray, reference: np.ndarray) -> None:
    err, scale = max_error(np.asarray(actual), reference)
    assert err <= TOL * scale, f"max |diff| {err:.3e} > {TOL} x {scale:.3g}"
    assert np.asarray(actual).argmax() == reference.argmax()


def run_frozen(path, inputs: list[str], outputs: list[str], arrays: list[np.ndarray]) -> list[np.ndarray]:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(path.read_bytes())
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=graph) as session:
            return session.run(outputs, dict(zip(inputs, arrays)))


def run_tflite(content: bytes, arrays: list[np.ndarray]) -> list[np.ndarray]:
    interpreter = tf.lite.Interpreter(model_content=content)
    interpreter.allocate_tensors()
    for detail, array in zip(interpreter.get_input_details(), arrays):
        interpreter.set_tensor(detail["index"], array)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


def test_saved_model(case, tmp_path):
    _, model, feeds, reference = case
    directory = save_saved_model(model, tmp_path / "saved")
    assert (directory / "saved_model.pb").exists()
    loaded = tf.saved_model.load(str(directory))  # keep it alive: serve reads its variables
    assert_close(loaded.serve(feeds["data"]), reference)


def test_frozen_pb(case, tmp_path):
    _, model, feeds, reference = case
    frozen = save_frozen_pb(model, tmp_path / "model.pb")
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(frozen.path.read_bytes())
    assert not {n.op for n in graph_def.node} & {"VarHandleOp", "ReadVariableOp", "VariableV2"}
    assert frozen.inputs == ["data:0"]
    assert_close(run_frozen(frozen.path, frozen.inputs, frozen.outputs, [feeds["data"]])[0], reference)


def test_tflite(case):
    _, model, feeds, reference = case
    assert_close(run_tflite(to_tflite(model), [feeds["data"]])[0], reference)


def test_tflite_custom_layers():
    """The custom layers convert to TFLite builtins and compute the same."""
    graph = custom_layer_zoo()
    feeds = feeds_for(graph)
    reference = run(graph, feeds)["sum"]
    actual = run_tflite(to_tflite(to_keras(graph)), [feeds["x"]])[0]
    err, scale = max_error(actual, reference)
    assert err <= 1e-6 * max(1.0, scale)


def test_frozen_pb_through_tf_frontend(tmp_path):
    """IR -> Keras (NHWC edges) -> frozen .pb -> frontc's TF frontend -> IR: same function, same
    NCHW input, as the original graph."""
    graph = tiny_resnet()
    frozen = save_frozen_pb(to_keras(graph, channels_last_io=True), tmp_path / "resnet.pb")
    again = frontc.load(str(frozen.path), "tf")
    assert [s.shape for s in again.inputs] == [s.shape for s in graph.inputs]
    feeds = {"data": np.random.default_rng(3).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)}
    reference = run(graph, feeds)["prob"]
    actual = run(again, {again.inputs[0].name: feeds["data"]})[again.outputs[0]]
    assert_close(actual, reference)


X = (1, 3, 6, 6)
TFLITE_CASES = {
    "grouped_conv": lambda: single("Conv", [(1, 4, 6, 6), randn(6, 2, 3, 3)], {"group": 2}),
    "dilated_strided_conv": lambda: single("Conv", [(1, 4, 9, 9), randn(6, 4, 3, 3)],
                                           {"strides": [2, 2], "dilations": [2, 2]}),
    "conv1d": lambda: single("Conv", [(1, 4, 9), randn(6, 4, 3)]),
    "conv3d": lambda: single("Conv", [(1, 2, 4, 5, 5), randn(3, 2, 3, 3, 3)]),
    "conv_transpose_groups": lambda: single("ConvTranspose", [(1, 4, 5, 5), randn(4, 2, 3, 3)],
                                            {"group": 2, "strides": [2, 2], "pads": [1, 1, 1, 1]}),
    "conv_transpose_dilated": lambda: single("ConvTranspose", [(1, 4, 5, 5), randn(4, 3, 3, 3)],
                                             {"strides": [2, 2], "dilations": [2, 2]}),
    "avg_pool_divisor": lambda: single("AvgPool", [X], {"kernel_shape": [3, 3], "strides": [2, 2],
                                                        "pads": [1, 1, 1, 1], "ceil_mode": 1,
                                                        "count_include_pad": 1}),
    "lrn": lambda: single("LRN", [X], {"size": 3}),
    "activations": lambda: single("HardSwish", [X]),
    "prelu": lambda: single("PRelu", [X, randn(3, 1, 1)]),
    "math": lambda: single("Pow", [X, np.full((1,), 2.0, np.float32)]),
    "reduce": lambda: single("ReduceMin", [X], {"axes": [1]}),
    "gemm": lambda: single("Gemm", [(3, 4), (4, 5), (3, 5)], {"alpha": 0.5}),
    "pad_reflect": lambda: single("Pad", [X], {"pads": [0, 0, 1, 1, 0, 0, 1, 1], "mode": "reflect"}),
    "split": lambda: single("Split", [X], {"axis": 1, "split": [1, 2]}, outputs=2),
    "tile_expand": lambda: single("Expand", [(1, 3, 1, 6)], {"shape": [1, 3, 6, 6]}),
    "depth_to_space": lambda: single("DepthToSpace", [(1, 8, 3, 3)], {"blocksize": 2}),
    "space_to_depth": lambda: single("SpaceToDepth", [(1, 2, 4, 4)], {"blocksize": 2}),
    "transpose_batch": lambda: single("Transpose", [(2, 3, 4)], {"perm": [1, 0, 2]}),
    "resize_upsampling": lambda: single("Resize", [X], {"scales": [1, 1, 2, 2]}),
    "resize_bilinear": lambda: single("Resize", [X], {"scales": [1, 1, 2, 2], "mode": "linear"}),
    "resize_align_corners": lambda: single("Resize", [X], {"scales": [1, 1, 2, 2], "mode": "linear",
                                                           "coordinate_transformation_mode": "align_corners"}),
    "cast_shape": lambda: single("Shape", [X]),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(TFLITE_CASES))
def test_tflite_builtins(case):
    """Native and custom layers of each op family convert to TFLite builtins and compute the same."""
    graph = TFLITE_CASES[case]()
    feeds = feeds_for(graph, low=0.5)
    reference = run(graph, feeds)
    actual = run_tflite(to_tflite(to_keras(graph)), [feeds[s.name] for s in graph.inputs])
    for out, (name, ref) in zip(actual, reference.items()):
        err, scale = max_error(out, ref)
        assert err <= 1e-5 * max(1.0, scale), name
