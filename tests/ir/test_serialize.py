"""Save/load: deterministic bytes, atomic writes, and one clear error per bad file."""
import json

import numpy as np
import pytest

from frontc.interpreter import run
from frontc.ir import GraphError, IRFormatError, load_graph, save_graph
from frontc.ir.errors import OutputError, ShapeError


@pytest.fixture
def saved(graph, tmp_path):
    graph.nodes[0].meta["mask"] = np.ones((16, 3, 3, 3), np.float32)
    graph.nodes[0].meta["stats"] = {"scale": 0.5, "bits": 8, "zero_point": np.int64(0)}
    graph.meta["note"] = "hello"
    return save_graph(graph, tmp_path / "m")


def test_round_trip_is_byte_identical_and_numerically_equal(graph, saved, tmp_path, image):
    json_path, npz_path = saved
    loaded = load_graph(json_path)
    again = save_graph(loaded, tmp_path / "again")
    assert json_path.read_bytes() == again[0].read_bytes()
    assert npz_path.read_bytes() == again[1].read_bytes()
    np.testing.assert_array_equal(run(loaded, image)["prob"], run(graph, image)["prob"])


def test_meta_survives_including_arrays(saved):
    loaded = load_graph(saved[0])
    assert loaded.meta["note"] == "hello"
    assert loaded.nodes[0].meta["stats"] == {"scale": 0.5, "bits": 8, "zero_point": 0}
    np.testing.assert_array_equal(loaded.nodes[0].meta["mask"], np.ones((16, 3, 3, 3)))


def test_saving_twice_is_deterministic(graph, tmp_path):
    a = save_graph(graph, tmp_path / "a")
    b = save_graph(graph, tmp_path / "b")
    assert a[0].read_bytes() == b[0].read_bytes() and a[1].read_bytes() == b[1].read_bytes()


def test_existing_files_are_not_overwritten(graph, saved, tmp_path):
    with pytest.raises(OutputError, match="exists"):
        save_graph(graph, tmp_path / "m")
    save_graph(graph, tmp_path / "m", overwrite=True)


def test_invalid_graph_is_never_written(graph, tmp_path):
    graph.params["fc.weight"] = np.zeros((10, 3), np.float32)
    with pytest.raises(ShapeError):
        save_graph(graph, tmp_path / "bad")
    assert list(tmp_path.iterdir()) == []


def test_prefix_and_json_path_both_load(saved, tmp_path):
    assert load_graph(tmp_path / "m").name == load_graph(saved[0]).name


def _edit_json(path, edit):
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))


def test_missing_files(tmp_path, saved):
    with pytest.raises(IRFormatError, match="nope_graph.json: file not found"):
        load_graph(tmp_path / "nope_graph.json")
    saved[1].unlink()
    with pytest.raises(IRFormatError, match="params file not found"):
        load_graph(saved[0])


def test_invalid_json(saved):
    saved[0].write_text(saved[0].read_text()[:200])
    with pytest.raises(IRFormatError, match="not valid JSON.*truncated"):
        load_graph(saved[0])


def test_unknown_schema_version(saved):
    _edit_json(saved[0], lambda d: d.update(schema_version=99))
    with pytest.raises(IRFormatError, match="unknown schema version 99"):
        load_graph(saved[0])


def test_not_an_ir_file(saved):
    saved[0].write_text("[1, 2]")
    with pytest.raises(IRFormatError, match="not a frontc IR graph"):
        load_graph(saved[0])


def test_malformed_document(saved):
    _edit_json(saved[0], lambda d: d["nodes"][0].pop("op"))
    with pytest.raises(IRFormatError, match="malformed graph document"):
        load_graph(saved[0])


def _rewrite_npz(path, edit):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    edit(arrays)
    np.savez(path, **arrays)


def test_missing_param(saved):
    _rewrite_npz(saved[1], lambda a: a.pop("fc.weight"))
    with pytest.raises(IRFormatError, match=r"param 'fc.weight' \(used by \['fc'\]\) is missing"):
        load_graph(saved[0])


def test_wrong_param_shape_and_dtype(saved, tmp_path):
    _rewrite_npz(saved[1], lambda a: a.update({"fc.weight": np.zeros((10, 15), np.float32)}))
    with pytest.raises(IRFormatError, match=r"'fc.weight' is float32\[10, 15\] but the graph expects"):
        load_graph(saved[0])
    _rewrite_npz(saved[1], lambda a: a.update({"fc.weight": np.zeros((10, 16), np.float64)}))
    with pytest.raises(IRFormatError, match="float64"):
        load_graph(saved[0])


def test_extra_arrays_mean_a_foreign_params_file(saved):
    _rewrite_npz(saved[1], lambda a: a.update(stranger=np.zeros(2)))
    with pytest.raises(IRFormatError, match="does not list.*stranger"):
        load_graph(saved[0])


def test_object_arrays_are_never_unpickled(saved):
    _rewrite_npz(saved[1], lambda a: a.update({"fc.bias": np.array([{"evil": 1}] * 10, dtype=object)}))
    with pytest.raises(IRFormatError, match="object .pickled. arrays"):
        load_graph(saved[0])


def test_truncated_and_corrupted_npz(saved):
    data = saved[1].read_bytes()
    saved[1].write_bytes(data[: len(data) // 2])
    with pytest.raises(IRFormatError, match="corrupted or truncated"):
        load_graph(saved[0])
    corrupted = bytearray(data)
    offset = data.index(b"fc.weight.npy") + 200  # inside the array payload
    corrupted[offset] ^= 0xFF
    saved[1].write_bytes(bytes(corrupted))
    with pytest.raises(IRFormatError, match="corrupted"):
        load_graph(saved[0])


def test_dangling_input_in_file_names_file_and_node(saved):
    _edit_json(saved[0], lambda d: d["nodes"][-1].update(inputs=["ghost"]))
    with pytest.raises(GraphError, match=r"m_graph.json: node 'prob': input 'ghost'"):
        load_graph(saved[0])
