"""Unsupported layers/ops are listed in one error (type, count, first names, versions);
malformed sources are one-line ModelLoadErrors naming the file; bad options are OptionErrors."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

import frontc
from frontc.ir.errors import ModelLoadError, OptionError, UnsupportedOpError

from .helpers import frozen


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text and "Traceback" not in text
    return text


@pytest.fixture(scope="module")
def conv_model() -> Any:
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    x = keras.Input((8, 8, 3), name="x")
    return keras.Model(x, layers.Conv2D(2, 3, name="conv")(x))


def test_unsupported_keras_layers_listed_once() -> None:
    import keras
    from keras import layers

    x = keras.Input((8, 8, 3), name="x")
    y = layers.Lambda(lambda t: t * 2, name="double")(x)
    y = layers.Conv2D(4, 3, activation="softsign", name="conv_softsign")(y)
    y = layers.UnitNormalization(name="unit")(y)
    y = layers.Lambda(lambda t: t + 1, name="plus_one")(y)
    y = layers.Conv2D(4, 1, data_format="channels_first", name="cf")(y)
    y = layers.UpSampling2D(interpolation="bicubic", name="bicubic")(y)
    with pytest.raises(UnsupportedOpError) as exc:
        frontc.load(keras.Model(x, y), "tf")
    text = _one_line(exc)
    for part in ("5 unsupported op type(s)", "Lambda x2 (double, plus_one)", "UnitNormalization x1 (unit)",
                 "Conv2D(activation=softsign) x1 (conv_softsign)", "Conv2D(channels_first) x1 (cf)",
                 "UpSampling2D(interpolation=bicubic) x1 (bicubic)", f"keras {keras.__version__}",
                 "tensorflow 2."):
        assert part in text, part


def test_unsupported_graphdef_ops_listed_once() -> None:
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec((1, 4, 4, 3), tf.float32, name="x")])
    def fn(x):
        y = tf.math.erf(x) + tf.math.cumsum(x, axis=1) + tf.math.erf(x * 2)
        return tf.nn.relu(tf.math.cumprod(y, axis=2))

    with pytest.raises(UnsupportedOpError) as exc:
        frontc.load(fn, "tf")
    text = _one_line(exc)
    for part in ("3 unsupported op type(s)", "Erf x2", "Cumsum x1", "Cumprod x1", f"tf {tf.__version__}"):
        assert part in text, part
    assert "Relu" not in text.split(":", 1)[1]


def test_frozen_elu_alpha_needs_select() -> None:
    """Keras ELU(alpha != 1) freezes to tf.where: the GraphDef path names what it lacks."""
    import keras
    from keras import layers

    x = keras.Input((4, 4, 3), name="x")
    model = keras.Model(x, layers.ELU(alpha=0.5, name="elu")(x))
    with pytest.raises(UnsupportedOpError, match=r"Greater x1 .*SelectV2 x1"):
        frontc.load(frozen(model, (1, 4, 4, 3)), "tf")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, conv_model: Any) -> dict[str, Path]:
    import tensorflow as tf

    d = tmp_path_factory.mktemp("malformed")
    rng = os.urandom
    (d / "random.h5").write_bytes(rng(4096))
    (d / "text.keras").write_bytes(b"not a zip archive")
    conv_model.save(d / "good.keras")
    whole = (d / "good.keras").read_bytes()
    (d / "truncated.keras").write_bytes(whole[: len(whole) // 2])
    with zipfile.ZipFile(d / "garbage.keras", "w") as archive:
        archive.writestr("config.json", "{not json")
    (d / "not_saved_model").mkdir()
    (d / "not_saved_model" / "notes.txt").write_text("hello")
    (d / "random.pb").write_bytes(rng(4096))
    (d / "empty.pb").write_bytes(b"")
    conv_model.export(str(d / "exported"), verbose=False)
    concrete = tf.function(lambda t: conv_model(t)).get_concrete_function(tf.TensorSpec((1, 8, 8, 3)))
    (d / "unfrozen.pb").write_bytes(concrete.graph.as_graph_def().SerializeToString())
    (d / "model.onnx").write_bytes(b"\x08\x07")
    return {p.name: p for p in d.iterdir()}


@pytest.mark.parametrize("name,message", [
    ("random.h5", "cannot read the Keras model"),
    ("text.keras", "not a zip archive"),
    ("truncated.keras", "not a zip archive"),
    ("garbage.keras", "cannot read the Keras model"),
    ("not_saved_model", "not a SavedModel"),
    ("random.pb", "is not a frozen TF GraphDef"),
    ("empty.pb", "no well-formed nodes"),
    ("unfrozen.pb", "still holds variables"),
    ("model.onnx", "unknown model file type"),
    ("missing.keras", "no such file or directory"),
])
def test_malformed_sources(files: dict[str, Path], name: str, message: str) -> None:
    path = files.get(name, next(iter(files.values())).parent / name)
    with pytest.raises(ModelLoadError) as exc:
        frontc.load(path, "tf")
    text = _one_line(exc)
    assert str(path) in text and message in text


def test_saved_model_pb_points_to_its_directory(files: dict[str, Path]) -> None:
    with pytest.raises(ModelLoadError, match="pass its directory"):
        frontc.load(files["exported"] / "saved_model.pb", "tf")


def test_damaged_saved_model(tmp_path: Path, conv_model: Any) -> None:
    conv_model.export(str(tmp_path / "sm"), verbose=False)
    (tmp_path / "sm" / "variables" / "variables.index").unlink()
    with pytest.raises(ModelLoadError) as exc:
        frontc.load(tmp_path / "sm", "tf")
    assert "cannot load the SavedModel" in _one_line(exc)


@pytest.mark.parametrize("kwargs,message", [
    ({"colour": "red"}, "unknown TF/Keras frontend options"),
    ({"input_shapes": {"nope": (1, 8, 8, 3)}}, "not inputs of the model"),
    ({"input_shapes": {"x": (1, 9, 8, 3)}}, "does not fit the model's declared shape"),
])
def test_bad_options(conv_model: Any, kwargs: dict, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        frontc.load(conv_model, "tf", **kwargs)


def test_unknown_dims_need_input_shapes() -> None:
    import keras
    from keras import layers

    x = keras.Input((None, None, 3), name="x")
    model = keras.Model(x, layers.Conv2D(2, 3)(x))
    with pytest.raises(OptionError, match=r"unknown dimensions .*input_shapes"):
        frontc.load(model, "tf")
    graph = frontc.load(model, "tf", input_shapes={"x": (1, 10, 12, 3)})
    assert graph.inputs[0].shape == (1, 3, 10, 12)


def test_not_a_model() -> None:
    with pytest.raises(ModelLoadError, match="cannot convert a builtins.dict"):
        frontc.load({"a": 1}, "tf")
