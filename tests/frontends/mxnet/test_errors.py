"""What users get for unsupported ops, malformed files and bad options: one-line FrontcErrors."""
from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

import frontc
from frontc.frontends.mxnet.symbol import MxNode, parse_tuple
from frontc.ir.errors import ModelLoadError, OptionError, UnsupportedOpError
from tests.frontends.mxnet.helpers import mx

EMPTY_PARAMS = struct.pack("<QQQQ", 0x112, 0, 0, 0)  # no arrays, no names


def _node(op: str, name: str, *inputs: int, **attrs: str) -> dict:
    return {"op": op, "name": name, "attrs": attrs, "inputs": [[i, 0, 0] for i in inputs]}


def _write(tmp_path: Path, nodes: list[dict], heads: list[int], name: str = "model",
           version: int | None = 10901) -> str:
    symbol = {"nodes": nodes, "arg_nodes": [i for i, n in enumerate(nodes) if n["op"] == "null"],
              "heads": [[h, 0, 0] for h in heads]}
    if version is not None:
        symbol["attrs"] = {"mxnet_version": ["int", version]}
    (tmp_path / f"{name}-symbol.json").write_text(json.dumps(symbol))
    (tmp_path / f"{name}-0000.params").write_bytes(EMPTY_PARAMS)
    return str(tmp_path / name)


def test_every_unsupported_op_is_reported_at_once(tmp_path):
    prefix = _write(tmp_path, [
        _node("null", "data"),
        _node("_contrib_Frobnicate", "frob0", 0),
        _node("relu", "relu0", 1),
        _node("_contrib_Frobnicate", "frob1", 2),
        _node("SpatialTransformerX", "warp0", 3),
        _node("Flatten", "flat0", 4),
    ], heads=[5])
    with pytest.raises(UnsupportedOpError) as info:
        frontc.load(prefix, "mxnet", input_shapes={"data": (1, 3, 8, 8)})
    message = str(info.value)
    assert "\n" not in message and message.startswith(prefix + "-symbol.json")
    assert "2 unsupported op type(s) in the model (mxnet 1.9.1)" in message
    assert "_contrib_Frobnicate x2 (frob0, frob1)" in message
    assert "SpatialTransformerX x1 (warp0)" in message


def test_unrecorded_mxnet_version_is_said(tmp_path):
    prefix = _write(tmp_path, [_node("null", "data"), _node("Frob", "f", 0)], heads=[1], version=None)
    with pytest.raises(UnsupportedOpError, match=r"mxnet \(no mxnet_version recorded\)"):
        frontc.load(prefix, "mxnet", input_shapes={"data": (1, 3)})


@pytest.mark.parametrize("text, message", [
    ("{not json", "not a valid MXNet symbol JSON"),
    ('{"nodes": []}', "'nodes' and 'heads' lists are missing"),
    ('{"nodes": [{"op": "relu"}], "heads": []}', "node 0 lacks a string 'op' or 'name'"),
    ('{"nodes": [{"op": "relu", "name": "r", "inputs": [[3, 0, 0]]}], "heads": [[0, 0, 0]]}',
     r"inputs of node 'r': bad node entry \[3, 0, 0\]"),
    ('{"nodes": [{"op": "null", "name": "data"}], "heads": [[7, 0, 0]]}', "heads: bad node entry"),
])
def test_malformed_symbol_files(tmp_path, text, message):
    (tmp_path / "bad-symbol.json").write_text(text)
    (tmp_path / "bad-0000.params").write_bytes(EMPTY_PARAMS)
    with pytest.raises(ModelLoadError, match=message) as info:
        frontc.load(str(tmp_path / "bad-symbol.json"), "mxnet", input_shapes={"data": (1,)})
    assert str(info.value).startswith(str(tmp_path / "bad-symbol.json")) and "\n" not in str(info.value)


def test_missing_symbol_file(tmp_path):
    with pytest.raises(ModelLoadError, match="no such MXNet symbol file"):
        frontc.load(str(tmp_path / "absent-symbol.json"), "mxnet")


def test_missing_epoch_lists_the_available_ones(tmp_path):
    prefix = _write(tmp_path, [_node("null", "data"), _node("relu", "r", 0)], heads=[1])
    (tmp_path / "model-0003.params").write_bytes(EMPTY_PARAMS)
    with pytest.raises(ModelLoadError, match=r"model-0002.params: no params file for epoch 2 "
                                             r"\(available epochs: \[0, 3\]\)"):
        frontc.load(prefix, "mxnet", input_shapes={"data": (2, 3)}, epoch=2)
    graph = frontc.load(prefix, "mxnet", input_shapes={"data": (2, 3)}, epoch=3)
    assert [n.name for n in graph.nodes] == ["r"]


def test_malformed_params_file_is_named(tmp_path):
    prefix = _write(tmp_path, [_node("null", "data"), _node("relu", "r", 0)], heads=[1])
    (tmp_path / "model-0000.params").write_bytes(EMPTY_PARAMS[:20])
    with pytest.raises(ModelLoadError, match=r"model-0000.params: truncated MXNet params file"):
        frontc.load(prefix, "mxnet", input_shapes={"data": (2, 3)})


def test_missing_weight_and_missing_input_shape(tmp_path):
    net = mx.gluon.nn.Dense(3, in_units=4, prefix="fc_")
    net.initialize()
    net.hybridize()
    net(mx.nd.zeros((1, 4)))
    net.export(str(tmp_path / "fc"))
    with pytest.raises(OptionError, match="no shape for input 'data'"):
        frontc.load(str(tmp_path / "fc"), "mxnet")
    with pytest.raises(OptionError, match=r"input_shapes names \['image'\], which are not inputs"):
        frontc.load(str(tmp_path / "fc"), "mxnet", input_shapes={"image": (1, 4)})
    assert frontc.load(str(tmp_path / "fc"), "mxnet", input_shapes=(1, 4)).input_names == ["data"]
    mx.nd.save(str(tmp_path / "fc-0000.params"), {"arg:fc_weight": mx.nd.ones((3, 4))})
    with pytest.raises(ModelLoadError, match="parameter 'fc_bias' is not in the params file"):
        frontc.load(str(tmp_path / "fc"), "mxnet", input_shapes={"data": (1, 4)})


def test_bad_options_and_sources(tmp_path):
    prefix = _write(tmp_path, [_node("null", "data"), _node("relu", "r", 0)], heads=[1])
    with pytest.raises(OptionError, match=r"unknown MXNet frontend option\(s\) \['opset'\]"):
        frontc.load(prefix, "mxnet", input_shapes={"data": (1,)}, opset=3)
    with pytest.raises(OptionError, match="epoch must be a non-negative integer"):
        frontc.load(prefix, "mxnet", input_shapes={"data": (1,)}, epoch=-1)
    with pytest.raises(ModelLoadError, match="cannot load a dict as an MXNet model"):
        frontc.load({}, "mxnet")
    with pytest.raises(ModelLoadError, match=r"'resnet18_v9' is neither a file nor a gluoncv "
                                             r"model-zoo name \(did you mean"):
        frontc.load("resnet18_v9", "mxnet")


def test_a_conversion_error_names_the_node(tmp_path):
    prefix = _write(tmp_path, [_node("null", "data"), _node("Concat", "cat", 0, 0, dim="5")],
                    heads=[1])
    with pytest.raises(ModelLoadError, match="node 'cat': cannot convert: Concat: axis 5 is out of range"):
        frontc.load(prefix, "mxnet", input_shapes={"data": (1, 3)})


@pytest.mark.parametrize("text, value", [
    ("(3, 3)", (3, 3)), ("[1,2]", (1, 2)), ("(3L, 4L)", (3, 4)), ("()", ()), ("(None, 2, -1)", (None, 2, -1)),
    ("5", (5,)), ("(0.5, 1e-05)", (0.5, 1e-05)), ("(True,)", (True,)),
])
def test_tuple_attributes(text, value):
    assert parse_tuple(text) == value


def test_typed_attribute_access():
    node = MxNode(0, "Pooling", "p", {"kernel": "(3, 3)", "global_pool": "False", "no_bias": "1",
                                      "eps": "1e-05", "end": "None", "num": "4", "bad": "x"}, path="f.json")
    assert node.get_ints("kernel") == (3, 3) and node.get_bool("global_pool") is False
    assert node.get_bool("no_bias") is True and node.get_float("eps") == 1e-05
    assert node.get_tuple("end") == () and not node.has("end") and node.get_int("num") == 4
    assert node.get_int("absent", 7) == 7
    with pytest.raises(ModelLoadError, match="f.json: node 'p': attribute bad='x' of Pooling is not an integer"):
        node.get_int("bad")
    with pytest.raises(ModelLoadError, match="Pooling lacks attribute 'stride'"):
        node.get_ints("stride")
