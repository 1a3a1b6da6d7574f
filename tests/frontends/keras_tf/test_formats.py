"""The small Sequential CNN and the small functional model in every source format: the Keras
object, .keras, .h5, SavedModel directories (model.export and tf.saved_model.save) and a
frozen GraphDef .pb, each compared with Keras' own output."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import frontc
from frontc.catalog import keras_cases
from frontc.ir.errors import OptionError

from .helpers import assert_close, frozen

MODELS = ("small_cnn", "small_functional")
FORMATS = ("object", "keras", "h5", "export", "saved_model_save", "pb")


def _save(case: Any, directory: Path) -> dict[str, Any]:
    """Every format of the case's model, written under ``directory``."""
    import tensorflow as tf

    model = case.source
    shape = next(iter(case.input_shapes.values()))
    model.save(directory / "model.keras")
    model.save(directory / "model.h5")
    model.export(str(directory / "exported"), verbose=False)
    module = tf.Module()
    module.model = model  # tracks the variables the signature reads
    tf.saved_model.save(module, str(directory / "saved"), signatures=frozen(model, shape))
    from frontc.frontends.keras_tf.sources import freeze

    graph_def, _ = freeze(frozen(model, shape))
    (directory / "model.pb").write_bytes(graph_def.SerializeToString())
    return {"object": model, "keras": directory / "model.keras", "h5": directory / "model.h5",
            "export": directory / "exported", "saved_model_save": directory / "saved",
            "pb": directory / "model.pb"}


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, dict[str, Any]]]:
    out = {}
    for name in MODELS:
        case = keras_cases.cases()[name]()
        out[name] = (case, _save(case, tmp_path_factory.mktemp(name)))
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model", MODELS)
def test_format_matches_keras(saved: dict, model: str, fmt: str) -> None:
    case, sources = saved[model]
    graph = frontc.load(sources[fmt], "tf", input_shapes=case.input_shapes)
    assert graph.input_names == list(case.feeds)
    assert graph.inputs[0].layout == "NCHW"
    assert graph.meta["source_layout"] == "NHWC" and graph.meta["layout"] == "NCHW"
    assert_close(graph, case.feeds, case.reference)
    outputs = graph.meta["layout_conversion"]["outputs"]
    assert [outputs[o] for o in graph.outputs] == ["NCHW" if r.ndim == 4 else None for r in case.reference]


def test_file_formats_keep_keras_names(saved: dict) -> None:
    case, sources = saved["small_cnn"]
    for fmt in ("keras", "h5"):
        graph = frontc.load(sources[fmt], "tf", input_shapes=case.input_shapes)
        assert graph.meta["source_format"] == fmt
        assert {"conv_same", "bn", "relu6", "depthwise", "conv_valid", "pool", "classifier"} <= \
            set(graph.meta["source_names"].values())
    graph = frontc.load(sources["pb"], "tf", input_shapes=case.input_shapes)
    assert graph.meta["source_format"] == "graphdef"
    assert any("conv_valid" in source for source in graph.meta["source_names"].values())


def test_signature_option(saved: dict) -> None:
    case, sources = saved["small_cnn"]
    graph = frontc.load(sources["export"], "tf", input_shapes=case.input_shapes, signature="serve")
    assert_close(graph, case.feeds, case.reference)
    with pytest.raises(OptionError, match="no signature 'nope'"):
        frontc.load(sources["export"], "tf", signature="nope")


def test_graph_def_object(saved: dict) -> None:
    from frontc.frontends.keras_tf.sources import read_graph_def

    case, sources = saved["small_functional"]
    graph = frontc.load(read_graph_def(sources["pb"]), "tf", input_shapes=case.input_shapes)
    assert graph.meta["source_format"] == "graphdef"
    assert_close(graph, case.feeds, case.reference)


def test_models_without_functional_graph_are_traced() -> None:
    """A subclassed model and a never-built Sequential are frozen through tf.function."""
    import keras
    import numpy as np
    from keras import layers

    from frontc.catalog.case import seeded_input
    from frontc.catalog.keras_cases import nchw

    class Residual(keras.Model):
        def __init__(self) -> None:
            super().__init__(name="residual")
            self.conv = layers.Conv2D(3, 3, padding="same")
            self.dense = layers.Dense(4)

        def call(self, x):
            return self.dense(layers.Flatten()(x + self.conv(x)))

    keras.utils.set_random_seed(0)
    unbuilt = keras.Sequential([layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)], name="unbuilt")
    model = Residual()
    for never_called in (model, unbuilt):
        with pytest.raises(OptionError, match="no functional graph"):
            frontc.load(never_called, "tf")
    x = seeded_input((2, 5, 6, 3))
    reference = np.asarray(model(x, training=False))
    graph = frontc.load(model, "tf", input_shapes={"image": x.shape})
    assert graph.meta["source_format"] == "keras-traced"
    assert_close(graph, {"image": nchw(x)}, [reference])


def test_serialized_graph_round_trip(saved: dict, tmp_path: Path) -> None:
    case, sources = saved["small_functional"]
    graph = frontc.load(sources["export"], "tf", input_shapes=case.input_shapes)
    graph_path, params_path = frontc.save_graph(graph, tmp_path / "ir")
    again = frontc.load_graph(graph_path, params_path)
    assert again.meta["layout_conversion"] == graph.meta["layout_conversion"]
    assert again.inputs[0].layout == "NCHW"
    assert_close(again, case.feeds, case.reference)
