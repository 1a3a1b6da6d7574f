"""Coverage of the IR's ops, and the errors a user can cause."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from frontc.backends.tf import params_from_keras, registry, run_keras, supported_ops, to_keras, to_tflite
from frontc.ir import known_ops
from frontc.ir.errors import FrontcError, OptionError, UnsupportedOpError
from frontc.ir.ops.integer import INTEGER_OPS
from frontc.testing.graphs import tiny_resnet
from tests.backends.tf.util import randn, single


def test_every_ir_op_but_the_dynamic_quantization_ops_has_a_factory():
    assert supported_ops() == sorted(set(known_ops()) - set(INTEGER_OPS))


def test_dynamic_quantization_ops_are_refused_in_one_line():
    graph = single("DynamicQuantizeLinear", [(2, 3)], outputs=3)
    with pytest.raises(UnsupportedOpError, match="no Keras layer for 1 op.*DynamicQuantizeLinear") as info:
        to_keras(graph)
    assert "\n" not in str(info.value)


def test_missing_factories_are_listed_once(monkeypatch):
    factories = dict(registry._FACTORIES)
    for op in ("Relu", "Softmax"):
        factories.pop(op)
    monkeypatch.setattr(registry, "_FACTORIES", factories)
    with pytest.raises(UnsupportedOpError) as info:
        to_keras(tiny_resnet())
    message = str(info.value)
    assert "Relu x3 (first: 'stem.relu')" in message and "Softmax x1 (first: 'prob')" in message


@pytest.mark.parametrize("graph,node,words", [
    (single("Conv", [(1, 2, 5, 5), (3, 2, 3, 3)]), "conv", "must be params"),
    (single("ConvTranspose", [(1, 2, 5, 5), randn(2, 3, 3, 3)], {"dilations": [2, 2], "output_padding": [1, 1]}),
     "convtranspose", "output_padding"),
    (single("LeakyRelu", [(1, 4)], {"alpha": -0.5}), "leakyrelu", "alpha"),
    (single("PRelu", [(2, 3), randn(2, 3)]), "prelu", "batch axis"),
], ids=["conv_weights_tensor", "conv_transpose_outpad", "negative_leaky", "prelu_batch_slope"])
def test_unexpressible_node_is_named(graph, node, words):
    with pytest.raises(UnsupportedOpError) as info:
        to_keras(graph)
    assert info.value.node == node and words in str(info.value)


def test_run_keras_needs_a_to_keras_model():
    x = keras.Input(batch_shape=(1, 3))
    foreign = keras.Model(x, keras.layers.Dense(2)(x))
    with pytest.raises(OptionError, match="not built by frontc"):
        run_keras(foreign, np.zeros((1, 3), np.float32))


def test_run_keras_checks_feeds():
    model = to_keras(single("Relu", [(1, 3)]))
    with pytest.raises(OptionError, match="expects shape"):
        run_keras(model, {"x0": np.zeros((2, 3), np.float32)})


def test_params_from_a_different_model():
    x = keras.Input(batch_shape=(1, 2, 4, 4))
    foreign = keras.Model(x, keras.layers.ReLU()(x))
    graph = tiny_resnet()
    with pytest.raises(FrontcError, match="has no layer 'stem.conv'"):
        params_from_keras(graph, foreign)


def test_tflite_without_builtin_names_the_op():
    with pytest.raises(FrontcError, match="no TFLite builtin for Sqrt"):
        to_tflite(to_keras(single("Sqrt", [(1, 4)], dtype="float64")))
