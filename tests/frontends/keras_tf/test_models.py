"""The Keras cases of frontc.catalog.keras_cases: converted as Keras objects and as frozen
GraphDefs, compared with Keras' output. keras.applications networks are slow."""
from __future__ import annotations

import pytest

import frontc
from frontc.catalog import keras_cases

from .helpers import assert_close, frozen

FAST = ["small_cnn", "small_functional", "flatten_dense", "gru_text_classifier", "vit_tiny"]
KERAS_ONLY = ["gru_text_classifier", "vit_tiny"]  # their frozen graphs hold TF while loops / einsums
SLOW = ["resnet50", "mobilenet_v2", "efficientnet_b0"]


def _check_case(name: str) -> None:
    case = keras_cases.cases()[name]()
    assert case.framework == "tf" and case.slow == (name in SLOW)
    shape = next(iter(case.input_shapes.values()))
    for source in (case.source,) if name in KERAS_ONLY else (case.source, frozen(case.source, shape)):
        graph = frontc.load(source, case.framework, input_shapes=case.input_shapes)
        assert_close(graph, case.feeds, case.reference)


@pytest.mark.parametrize("name", FAST)
def test_small_case(name: str) -> None:
    _check_case(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_application(name: str) -> None:
    _check_case(name)


def test_cases_listed() -> None:
    assert sorted(keras_cases.cases()) == sorted(FAST + SLOW)
