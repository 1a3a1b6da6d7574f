"""One small model per Keras layer type (and configuration), converted as a Keras object
and as a frozen GraphDef, compared with Keras at max|diff| <= 1e-5 * max|ref|."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import frontc
from frontc.passes import run_pipeline

from .helpers import check

IMAGE = (2, 7, 6, 4)  # odd/even sizes: 'same' pads are asymmetric somewhere
BOTH = ("keras", "graphdef")
KERAS_ONLY = ("keras",)  # their frozen graphs hold tf.where (SelectV2), see test_errors


def _model(build: Callable[[Any], Any], shape: tuple[int, ...] = IMAGE, seed: int = 0) -> Any:
    import keras

    keras.utils.set_random_seed(seed)
    x = keras.Input(shape[1:], name="x")
    return keras.Model(x, build(x))


def L():  # a short name keeps the table readable
    from keras import layers

    return layers


def _ops():
    from keras import ops

    return ops


CASES: dict[str, tuple[Callable[[Any], Any], tuple[int, ...], tuple[str, ...]]] = {
    # convolutions
    "conv_same_stride2": (lambda x: L().Conv2D(5, 3, strides=2, padding="same")(x), IMAGE, BOTH),
    "conv_valid_dilated": (lambda x: L().Conv2D(3, 3, dilation_rate=2, use_bias=False)(x), (1, 9, 8, 4),
                           BOTH),
    "conv_groups": (lambda x: L().Conv2D(6, 3, groups=2, padding="same", activation="tanh")(x), IMAGE,
                    BOTH),
    "conv_kernel_4_same": (lambda x: L().Conv2D(3, 4, strides=3, padding="same")(x), (1, 10, 11, 2), BOTH),
    "depthwise_mult2": (lambda x: L().DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)(x),
                        IMAGE, BOTH),
    "separable": (lambda x: L().SeparableConv2D(5, 3, padding="same", depth_multiplier=2,
                                                activation="relu")(x), IMAGE, BOTH),
    "transpose_same_s2": (lambda x: L().Conv2DTranspose(3, 3, strides=2, padding="same")(x), IMAGE, BOTH),
    "transpose_valid_s2": (lambda x: L().Conv2DTranspose(3, 3, strides=2)(x), IMAGE, BOTH),
    "transpose_k1_s2_same": (lambda x: L().Conv2DTranspose(2, 1, strides=2, padding="same")(x), IMAGE,
                             BOTH),
    "transpose_output_padding_same": (lambda x: L().Conv2DTranspose(3, 4, strides=3, padding="same",
                                                                    output_padding=2)(x), IMAGE, BOTH),
    "transpose_output_padding_valid": (lambda x: L().Conv2DTranspose(3, 3, strides=2,
                                                                     output_padding=1)(x), IMAGE, BOTH),
    "dense_on_image": (lambda x: L().Dense(3, activation="sigmoid")(x), IMAGE, BOTH),
    "dense_on_sequence": (lambda x: L().Dense(3)(L().Reshape((-1, 4))(x)), IMAGE, BOTH),
    # normalization and scaling
    "batchnorm_image": (lambda x: L().BatchNormalization(epsilon=1e-2)(x), IMAGE, BOTH),
    "batchnorm_vector": (lambda x: L().BatchNormalization(center=False)(L().GlobalAveragePooling2D()(x)),
                         IMAGE, BOTH),
    "batchnorm_axis_h": (lambda x: L().BatchNormalization(axis=1, scale=False)(x), IMAGE, BOTH),
    "rescaling": (lambda x: L().Rescaling(1 / 127.5, offset=-1)(x), IMAGE, BOTH),
    "rescaling_per_channel": (lambda x: L().Rescaling([0.5, 2.0, -1.0, 3.0])(x), IMAGE, BOTH),
    "normalization": (lambda x: L().Normalization(mean=[0.1, -0.2, 0.3, 0.0],
                                                  variance=[0.5, 2.0, 1.5, 1e-20])(x), IMAGE, BOTH),
    "normalization_invert": (lambda x: L().Normalization(mean=[0.1, -0.2, 0.3, 0.0],
                                                         variance=[0.5, 2.0, 1.5, 1.0], invert=True)(x),
                             IMAGE, BOTH),
    # activations
    "relu_max": (lambda x: L().ReLU(max_value=0.5)(x), IMAGE, BOTH),
    "relu_slope": (lambda x: L().ReLU(negative_slope=0.1)(x), IMAGE, BOTH),
    "relu_slope_max": (lambda x: L().ReLU(negative_slope=0.1, max_value=0.4)(x), IMAGE, BOTH),
    "relu_threshold": (lambda x: L().ReLU(threshold=0.3, negative_slope=0.2, max_value=0.8)(x), IMAGE,
                       KERAS_ONLY),
    "relu_threshold_only": (lambda x: L().ReLU(threshold=0.3)(x), IMAGE, KERAS_ONLY),
    "relu_threshold_relu6": (lambda x: L().ReLU(threshold=0.1, max_value=6.0)(x * 8), IMAGE, KERAS_ONLY),
    # keras.ops in a functional graph
    "ops_arithmetic": (lambda x: L().Conv2D(4, 1)(x) / 2 - (1.5 - x) * 3, IMAGE, BOTH),
    "ops_maximum_negative": (lambda x: -_ops().maximum(x, L().Conv2D(4, 1)(x)), IMAGE, BOTH),
    "leaky_relu": (lambda x: L().LeakyReLU(0.3)(x), IMAGE, BOTH),
    "prelu": (lambda x: L().PReLU(alpha_initializer="random_uniform")(x), IMAGE, BOTH),
    "prelu_shared": (lambda x: L().PReLU(alpha_initializer="random_uniform", shared_axes=[1, 2])(x), IMAGE,
                     BOTH),
    "elu": (lambda x: L().ELU(alpha=0.5)(x), IMAGE, KERAS_ONLY),
    "softmax_channels": (lambda x: L().Softmax()(x), IMAGE, BOTH),
    "softmax_height": (lambda x: L().Softmax(axis=1)(x), IMAGE, KERAS_ONLY),
    # merges
    "add3": (lambda x: L().Add()([x, L().Conv2D(4, 1)(x), L().Conv2D(4, 3, padding="same")(x)]), IMAGE,
             BOTH),
    "subtract": (lambda x: L().Subtract()([x, L().Conv2D(4, 1)(x)]), IMAGE, BOTH),
    "multiply": (lambda x: L().Multiply()([x, L().Conv2D(4, 1)(x)]), IMAGE, BOTH),
    "average": (lambda x: L().Average()([x, L().Conv2D(4, 1)(x), L().Conv2D(4, 1)(x)]), IMAGE, BOTH),
    "maximum": (lambda x: L().Maximum()([x, L().Conv2D(4, 1)(x)]), IMAGE, BOTH),
    "minimum": (lambda x: L().Minimum()([x, L().Conv2D(4, 1)(x)]), IMAGE, BOTH),
    "concat_channels": (lambda x: L().Concatenate()([x, L().Conv2D(3, 1)(x)]), IMAGE, BOTH),
    "concat_width": (lambda x: L().Concatenate(axis=2)([x, L().Conv2D(4, (1, 2))(x)]), IMAGE, BOTH),
    "concat_height": (lambda x: L().Concatenate(axis=1)([x, x]), IMAGE, BOTH),
    # pooling
    "maxpool_same": (lambda x: L().MaxPooling2D(3, strides=2, padding="same")(x), IMAGE, BOTH),
    "maxpool_valid": (lambda x: L().MaxPooling2D((2, 3), strides=(1, 2))(x), IMAGE, BOTH),
    "avgpool_same": (lambda x: L().AveragePooling2D(3, strides=2, padding="same")(x), IMAGE, BOTH),
    "avgpool_valid": (lambda x: L().AveragePooling2D(2)(x), IMAGE, BOTH),
    "gap_keepdims": (lambda x: L().GlobalAveragePooling2D(keepdims=True)(x), IMAGE, BOTH),
    "gmp": (lambda x: L().GlobalMaxPooling2D()(x), IMAGE, BOTH),
    "gmp_keepdims": (lambda x: L().GlobalMaxPooling2D(keepdims=True)(x), IMAGE, BOTH),
    # data movement
    "zero_padding": (lambda x: L().ZeroPadding2D(((1, 2), (0, 3)))(x), IMAGE, BOTH),
    "cropping": (lambda x: L().Cropping2D(((1, 0), (2, 1)))(x), IMAGE, BOTH),
    "reshape_to_image": (lambda x: L().Conv2D(2, 1)(L().Reshape((6, 7, 4))(x)), IMAGE, BOTH),
    "reshape_vector": (lambda x: L().Reshape((2, -1))(x), IMAGE, BOTH),
    "permute_hw": (lambda x: L().Conv2D(3, 2)(L().Permute((2, 1, 3))(x)), IMAGE, BOTH),
    "permute_channels_first": (lambda x: L().Permute((3, 1, 2))(x), IMAGE, BOTH),
    "dropout": (lambda x: L().SpatialDropout2D(0.5)(L().Dropout(0.5)(x)), IMAGE, BOTH),
    "flatten_softmax": (lambda x: L().Softmax()(L().Flatten()(x)), IMAGE, BOTH),
    "flatten_add": (lambda x: L().Add()([L().Flatten()(x), L().Flatten()(L().Conv2D(4, 1)(x))]), IMAGE,
                    BOTH),
    "flatten_concat": (lambda x: L().Concatenate()([L().Flatten()(x), L().Dense(3)(L().Flatten()(x))]),
                       IMAGE, BOTH),
    # resizing
    "upsampling_nearest": (lambda x: L().UpSampling2D((2, 3))(x), IMAGE, BOTH),
    "upsampling_bilinear": (lambda x: L().UpSampling2D(2, interpolation="bilinear")(x), IMAGE, BOTH),
    "resizing_bilinear_down": (lambda x: L().Resizing(4, 5)(x), IMAGE, BOTH),
    "resizing_bilinear_up": (lambda x: L().Resizing(11, 9)(x), IMAGE, BOTH),
    "resizing_nearest": (lambda x: L().Resizing(10, 4, interpolation="nearest")(x), IMAGE, BOTH),
}

ACTIVATIONS = ["relu", "relu6", "sigmoid", "hard_sigmoid", "hard_swish", "hard_silu", "swish", "silu",
               "tanh", "softmax", "elu", "leaky_relu", "selu", "exponential", "linear"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer(name: str) -> None:
    build, shape, paths = CASES[name]
    check(_model(build, shape), shape, paths=paths)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation(activation: str) -> None:
    model = _model(lambda x: L().Activation(activation)(L().Conv2D(3, 3, padding="same")(x)))
    graphs = check(model, IMAGE)
    if activation in ("relu", "sigmoid", "tanh"):  # Conv2D(activation=...): two IR nodes, fused by cmodel
        layer = _model(lambda x: L().Conv2D(3, 3, activation=activation)(x))
        graph = check(layer, IMAGE, paths=("keras",))["keras"]
        op = graph.nodes[-1].op
        assert [n.op for n in graph.nodes] == ["Conv", op] and "activation" not in graph.nodes[0].attrs
        fused, _ = run_pipeline(graph, "cmodel")
        assert [(n.op, n.attrs.get("activation")) for n in fused.nodes] == [("Conv", op)]
    if activation != "linear":
        assert graphs["keras"].nodes[-1].meta["source"].startswith("activation")


def test_nested_model_is_inlined() -> None:
    import keras

    keras.utils.set_random_seed(0)
    inner = keras.Sequential([keras.Input(IMAGE[1:]), L().Conv2D(4, 3, padding="same", name="inner_conv"),
                              L().ReLU()], name="block")
    x = keras.Input(IMAGE[1:], name="x")
    model = keras.Model(x, L().Add()([x, inner(x)]))
    graph = check(model, IMAGE)["keras"]
    assert "block/inner_conv" in graph.meta["source_names"].values()


def test_dense_softmax_vector_input() -> None:
    import keras

    keras.utils.set_random_seed(0)
    x = keras.Input((12,), name="x")
    model = keras.Model(x, L().Dense(4, activation="softmax")(L().Dense(8, activation="relu")(x)))
    graphs = check(model, (3, 12))
    assert graphs["keras"].inputs[0].layout is None
    assert np.all([n.op != "Transpose" for n in graphs["keras"].nodes])


def test_two_inputs() -> None:
    import keras

    from frontc.catalog.case import seeded_input
    from frontc.catalog.keras_cases import nchw, reference

    from .helpers import assert_close

    keras.utils.set_random_seed(0)
    image, vector = keras.Input((5, 6, 3), name="image"), keras.Input((3,), name="vector")
    scaled = L().Multiply()([L().Conv2D(3, 1)(image), L().Reshape((1, 1, 3))(vector)])
    model = keras.Model([image, vector], [scaled, L().Dense(2)(vector)])
    x, v = seeded_input((2, 5, 6, 3)), seeded_input((2, 3), seed=1)
    graph = frontc.load(model, "tf", input_shapes={"image": x.shape, "vector": v.shape})
    assert [(s.name, s.layout) for s in graph.inputs] == [("image", "NCHW"), ("vector", None)]
    assert_close(graph, {"image": nchw(x), "vector": v}, reference(model, [x, v]))
