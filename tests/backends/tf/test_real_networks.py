"""Real networks (frontc.models.torch through the PyTorch frontend) rebuilt in Keras: seeded
MobileNetV2 / ResNet-18, and the trained EfficientNet-Lite0 on foolbox's 20 ImageNet images,
in Keras and in TFLite, against the IR interpreter."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.backends.tf import run_keras, to_keras, to_tflite
from frontc.interpreter import run
from frontc.passes import run_pipeline
from tests.backends.tf.test_export import run_tflite
from tests.backends.tf.util import check

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated:UserWarning")]


def torch_graph(name: str):
    from frontc.catalog.torch_cases import MODELS, build_model

    return frontc.load(build_model(name), "torch", input_shapes={"x": MODELS[name][1]})


@pytest.mark.parametrize("name", ["mobilenet_v2_96", "resnet18_64"])
@pytest.mark.parametrize("pipeline", ["reconstruct", "cmodel"])
def test_seeded_network(name, pipeline):
    graph = run_pipeline(torch_graph(name), pipeline)[0]
    feeds = {"x": np.random.default_rng(0).uniform(-1, 1, graph.inputs[0].shape).astype(np.float32)}
    check(graph, feeds, linear=True)
    model = to_keras(graph)
    assert [type(layer).__name__ for layer in model.layers].count("Permute") == 1


@pytest.fixture(scope="module")
def efficientnet():
    from frontc.data.imagenet_samples import imagenet_samples

    images, labels = imagenet_samples()
    return run_pipeline(torch_graph("efficientnet_lite0"), "cmodel")[0], images, labels


def test_trained_efficientnet_lite0(efficientnet):
    """Every image: Keras and TFLite pick the interpreter's class; accuracy is the same."""
    graph, images, labels = efficientnet
    model = to_keras(graph)
    flat = to_tflite(model)
    name, out = graph.inputs[0].name, graph.outputs[0]
    correct = 0
    for image, label in zip(images, labels):
        feeds = {name: image[None]}
        reference = run(graph, feeds)[out]
        keras_out = run_keras(model, feeds)[out]
        tflite_out = run_tflite(flat, [image[None]])[0]
        scale = float(np.abs(reference).max())
        assert float(np.abs(keras_out - reference).max()) <= 1e-5 * scale
        assert float(np.abs(tflite_out - reference).max()) <= 1e-5 * scale
        assert keras_out.argmax() == tflite_out.argmax() == reference.argmax()
        correct += int(reference.argmax() == label)
    assert correct >= 15  # 17 of 20 measured: the trained weights really classify
