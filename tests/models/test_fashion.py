"""Fashion-MNIST models, the training loop, the artifacts it writes and the training record."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import frontc
from frontc.ir.errors import IRFormatError, OptionError
from frontc.models.record import TrainingRecord, read_record, write_record
from frontc.models.torch.fashion import FASHION_MODELS, INPUT_SHAPE
from frontc.models.torch.training import evaluate, fashion_data, save_artifacts, train


@pytest.fixture(scope="module")
def small_data():
    return fashion_data(limit_train=3000, limit_test=1000)


@pytest.mark.parametrize("name", sorted(FASHION_MODELS))
def test_training_learns_and_artifacts_compile(name: str, small_data, tmp_path) -> None:
    torch.manual_seed(0)
    model = FASHION_MODELS[name]()
    assert model(torch.zeros(INPUT_SHAPE)).shape == (1, 10)
    train(model, small_data, 1, seed=0)
    top1 = evaluate(model, small_data.test_x, small_data.test_y)
    assert top1 > 45.0   # 10 classes: chance is 10%; one epoch on 3k images (24 steps) reaches 56-75%
    files = save_artifacts(model, str(tmp_path), name, INPUT_SHAPE)
    x = small_data.test_x[:4]
    with torch.no_grad():
        expected = model(x).numpy()
    for kind, framework in (("torchscript", "torch"), ("onnx", "onnx")):
        graph = frontc.load(str(tmp_path / files[kind]), framework, input_shapes={"data": tuple(x.shape)})
        (out,) = frontc.run(graph, {graph.inputs[0].name: x.numpy()}).values()
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    with pytest.raises(OptionError, match="file exists"):
        save_artifacts(model, str(tmp_path), name, INPUT_SHAPE)


def test_record_round_trip_and_errors(tmp_path) -> None:
    record = TrainingRecord(model="fashion_cnn", framework="torch", dataset="fashion-mnist", pattern="2:4",
                            sparse_rate=50.0, top1=91.2, training_date="20261201", input_shape=[1, 1, 28, 28])
    path = write_record(tmp_path / "r.json", record)
    assert read_record(path) == record
    with pytest.raises(OptionError, match="file exists"):
        write_record(path, record)
    data = json.loads(path.read_text())
    del data["top1"]
    path.write_text(json.dumps(data))
    with pytest.raises(IRFormatError, match=r"missing \['top1'\]"):
        read_record(path)
    path.write_text("{}")
    with pytest.raises(IRFormatError, match="not a training record"):
        read_record(path)
