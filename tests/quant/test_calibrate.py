"""Calibration over a small fused CNN: backends agree, the table is invariant, tables check graphs."""
from __future__ import annotations

import json

import numpy as np
import pytest

from frontc.datasets.images import open_inputs
from frontc.ir.batch import rebatch
from frontc.ir.errors import FrontcError, OptionError, ShapeError
from frontc.passes import run_pipeline
from frontc.quant.calibrate import calibrate, collect
from frontc.quant.table import TableError, activation_tensors, graph_hash, load_table, save_table
from frontc.testing.graphs import tiny_resnet


@pytest.fixture(scope="module")
def fused():
    return run_pipeline(tiny_resnet(), "cmodel")[0]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    path = tmp_path_factory.mktemp("calib") / "x.npy"
    np.save(path, np.random.default_rng(0).uniform(-2, 2, (21, 3, 32, 32)).astype(np.float32))
    return path


@pytest.mark.parametrize("backend", ["onnxruntime", "torch"])
def test_table_is_byte_identical_for_any_order_and_batch_size(fused, inputs, backend):
    data = open_inputs(inputs, fused.inputs[0])
    first, _ = calibrate(fused, data, "kl", batch_size=4, backend=backend, progress=False)
    order = list(np.random.default_rng(5).permutation(len(data)))
    for batch_size, perm in ((1, order), (7, None), (21, order[::-1])):
        other, _ = calibrate(fused, data, "kl", batch_size=batch_size, order=perm, backend=backend, progress=False)
        assert other.dumps() == first.dumps()
    assert first.samples == 21 and set(first.tensors) == set(activation_tensors(fused))


@pytest.mark.parametrize("backend", ["onnxruntime", "torch"])
def test_fast_backends_equal_the_numpy_interpreter(fused, inputs, backend):
    data = open_inputs(inputs, fused.inputs[0])
    fast, _ = collect(fused, data, backend=backend, progress=False)
    reference, _ = collect(fused, data, backend="numpy", progress=False)
    for name, ref in reference.items():
        got = fast[name]
        scale = max(abs(ref.min), abs(ref.max))
        assert got.count == ref.count
        assert abs(got.min - ref.min) <= 1e-5 * scale and abs(got.max - ref.max) <= 1e-5 * scale, name
        assert got.exponent == ref.exponent, name
        # float32 rounding moves a value across a bin edge now and then: the histograms' CDFs
        # differ by at most 2 values or 0.1 % of them
        moved = np.abs(np.cumsum(got.hist - ref.hist)).max()
        assert moved <= max(2, 1e-3 * ref.count), name


def test_every_observer_gives_a_loadable_table(fused, inputs, tmp_path):
    data = open_inputs(inputs, fused.inputs[0])
    for observer in ("minmax", "percentile", "kl", "mse"):
        table, _ = calibrate(fused, data, observer, progress=False)
        path = save_table(table, tmp_path / f"{observer}.json")
        loaded = load_table(path, fused)
        assert loaded.dumps() == table.dumps()
        for name, r in loaded.tensors.items():
            assert 0 <= r.threshold <= max(-r.min, r.max), (observer, name)
    with pytest.raises(FrontcError, match="mse.json: (file )?exists"):
        save_table(table, tmp_path / "mse.json")


def test_a_table_for_another_graph_names_the_first_missing_tensor(fused, inputs, tmp_path):
    table, _ = calibrate(fused, open_inputs(inputs, fused.inputs[0]), "minmax", progress=False)
    path = save_table(table, tmp_path / "t.json")
    unfused = tiny_resnet()
    missing = next(t for t in activation_tensors(unfused) if t not in table.tensors)
    with pytest.raises(TableError, match=f"no range for tensor '{missing}'"):
        load_table(path, unfused)
    other = run_pipeline(tiny_resnet(seed=1), "cmodel")[0]
    assert graph_hash(other) != graph_hash(fused)
    with pytest.raises(TableError, match="made for another graph"):
        load_table(path, other)
    doc = json.loads(path.read_text())
    doc["version"] = 99
    path.write_text(json.dumps(doc))
    with pytest.raises(TableError, match="version 99"):
        load_table(path)


def test_no_data_nan_and_options(fused, tmp_path):
    np.save(tmp_path / "nan.npy", np.full((2, 3, 32, 32), np.nan, np.float32))
    with pytest.raises(Exception, match="tensor 'data' holds NaN"):
        calibrate(fused, open_inputs(tmp_path / "nan.npy", fused.inputs[0]), progress=False)
    np.save(tmp_path / "x.npy", np.zeros((2, 3, 32, 32), np.float32))
    data = open_inputs(tmp_path / "x.npy", fused.inputs[0])
    with pytest.raises(OptionError, match="unknown observer 'entropy'"):
        calibrate(fused, data, "entropy", progress=False)
    with pytest.raises(OptionError, match="unknown calibration backend 'tvm'"):
        calibrate(fused, data, backend="tvm", progress=False)


def test_rebatch_runs_any_batch_and_names_a_pinning_node(fused):
    from frontc.interpreter import run

    x = np.random.default_rng(1).standard_normal((5, 3, 32, 32)).astype(np.float32)
    five, batched = rebatch(fused, 5)
    out = run(five, x)[fused.outputs[0]]
    single = np.concatenate([run(fused, x[i:i + 1])[fused.outputs[0]] for i in range(5)])
    np.testing.assert_allclose(out, single, rtol=1e-5, atol=1e-6)
    assert set(fused.outputs) <= batched
    pinned = fused.copy()
    flatten = next(n for n in pinned.nodes if n.op == "Flatten")
    flatten.op, flatten.attrs = "Reshape", {"shape": [1, 16]}
    rebatch(pinned, 3)  # the leading 1 is the batch: rewritten
    flatten.attrs = {"shape": [16, 1]}
    with pytest.raises(ShapeError, match=f"node '{flatten.name}'.*folds the batch"):
        rebatch(pinned, 3)
