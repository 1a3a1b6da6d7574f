"""Keras model cases: small networks built here and keras.applications with random weights.

References come from Keras itself (``model(x, training=False)`` on a seeded NHWC
input); feeds and references are given as the IR sees them: 4-D tensors NCHW.
BatchNormalization statistics are randomized (seeded) so that the folded
arithmetic is exercised, not an identity.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from frontc.catalog.case import Case, ModelEntry, seeded_input

SMALL_BATCH = 2


def nchw(array: np.ndarray) -> np.ndarray:
    """A 4-D NHWC array as NCHW (other ranks unchanged)."""
    return np.ascontiguousarray(array.transpose(0, 3, 1, 2)) if array.ndim == 4 else array


def randomize_batchnorm(model: Any, seed: int = 1) -> Any:
    """Give every BatchNormalization layer seeded, non-trivial gamma/beta/mean/variance."""
    import keras

    rng = np.random.default_rng(seed)
    for layer in _all_layers(model):
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.moving_mean.shape[0]
            layer.moving_mean.assign(rng.uniform(-0.2, 0.2, c).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, c).astype(np.float32))
            if layer.scale:
                layer.gamma.assign(rng.uniform(0.5, 1.5, c).astype(np.float32))
            if layer.center:
                layer.beta.assign(rng.uniform(-0.2, 0.2, c).astype(np.float32))
    return model


def _all_layers(model: Any) -> list[Any]:
    layers = []
    for layer in model.layers:
        layers += _all_layers(layer) if hasattr(layer, "layers") else [layer]
    return layers


def small_cnn(seed: int = 0) -> Any:
    """A Sequential CNN: Conv2D same (stride 1) and valid, a stride-2 'same' DepthwiseConv2D on
    an even size (asymmetric pads), BatchNorm, ReLU6, MaxPool same, GlobalAveragePooling, Dense
    softmax."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((16, 16, 3), name="image"),
        layers.Conv2D(8, 3, padding="same", name="conv_same"),
        layers.BatchNormalization(name="bn"),
        layers.ReLU(max_value=6.0, name="relu6"),
        layers.DepthwiseConv2D(3, strides=2, padding="same", name="depthwise"),
        layers.Conv2D(16, 3, padding="valid", activation="relu", name="conv_valid"),
        layers.MaxPooling2D(3, strides=2, padding="same", name="pool"),
        layers.GlobalAveragePooling2D(name="gap"),
        layers.Dense(10, activation="softmax", name="classifier"),
    ], name="small_cnn")
    return randomize_batchnorm(model, seed + 1)


def small_functional(seed: int = 0) -> Any:
    """A functional model with Add, Concatenate, nearest and bilinear UpSampling2D and two
    outputs (a 4-D feature map and logits)."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    x = keras.Input((12, 12, 3), name="image")
    a = layers.Conv2D(8, 3, padding="same", activation="relu", name="branch_a")(x)
    b = layers.Conv2D(8, 1, name="branch_b")(x)
    c = layers.Add(name="add")([a, b])
    d = layers.MaxPooling2D(2, name="pool")(c)
    u = layers.UpSampling2D(2, name="up_nearest")(d)
    e = layers.Concatenate(name="concat")([c, u])
    f = layers.Conv2D(4, 3, padding="same", name="mix")(e)
    g = layers.UpSampling2D(2, interpolation="bilinear", name="up_bilinear")(f)
    logits = layers.Dense(5, name="logits")(layers.GlobalAveragePooling2D(name="gap")(f))
    return keras.Model(x, [g, logits], name="small_functional")


def flatten_dense(seed: int = 0) -> Any:
    """Conv2D -> Flatten -> Dense: the Dense kernel rows must follow the NCHW flatten order."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((6, 5, 4), name="image"),
                             layers.Conv2D(3, 3, padding="same", name="conv"),
                             layers.Flatten(name="flatten"),
                             layers.Dense(7, name="dense")], name="flatten_dense")


def application(name: str, seed: int = 0) -> Any:
    """A keras.applications network with weights=None (seeded), logits out, random BN stats."""
    import keras

    keras.utils.set_random_seed(seed)
    model = getattr(keras.applications, name)(weights=None, classifier_activation=None)
    return randomize_batchnorm(model, seed + 1)


def reference(model: Any, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """Keras' own outputs (inference mode) as numpy arrays, in the IR's layout."""
    outputs = model(inputs[0] if len(inputs) == 1 else inputs, training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [nchw(np.asarray(out)) for out in outputs]


def keras_case(name: str, build: Callable[[], Any], batch: int, *, slow: bool, seed: int = 0) -> Case:
    """A Case of a Keras model object: seeded NHWC input, Keras' output as the reference."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    model = build()
    tensor = model.inputs[0]
    input_name = tensor._keras_history.operation.name
    shape = (batch, *tensor.shape[1:])
    dtype = str(tensor.dtype)
    if dtype.startswith("int"):  # token ids
        x = np.random.default_rng(seed).integers(1, 30, shape).astype(dtype)
    else:
        x = seeded_input(shape, seed)
    return Case(framework="tf", model=name, source=model, input_shapes={input_name: shape},
                feeds={input_name: nchw(x)}, reference=reference(model, [x]), slow=slow)


def sequence_model(name: str) -> Any:
    from frontc.models import keras as models

    return getattr(models, name)()


# case name -> (model builder, input shape as the IR sees it (NCHW), slow)
MODELS: dict[str, tuple[Callable[[], Any], tuple[int, ...], bool]] = {
    "small_cnn": (small_cnn, (SMALL_BATCH, 3, 16, 16), False),
    "small_functional": (small_functional, (SMALL_BATCH, 3, 12, 12), False),
    "flatten_dense": (flatten_dense, (SMALL_BATCH, 4, 6, 5), False),
    "gru_text_classifier": (functools.partial(sequence_model, "gru_text_classifier"), (4, 20), False),
    "vit_tiny": (functools.partial(sequence_model, "vit_tiny"), (SMALL_BATCH, 3, 32, 32), False),
    "resnet50": (lambda: application("ResNet50"), (1, 3, 224, 224), True),
    "mobilenet_v2": (lambda: application("MobileNetV2"), (1, 3, 224, 224), True),
    "efficientnet_b0": (lambda: application("EfficientNetB0"), (1, 3, 224, 224), True),
}


def cases() -> dict[str, ModelEntry]:
    """The Keras cases by name (slow ones: the keras.applications networks at 224x224)."""
    return {name: ModelEntry(slow, functools.partial(keras_case, name, build, shape[0], slow=slow), shape)
            for name, (build, shape, slow) in MODELS.items()}
