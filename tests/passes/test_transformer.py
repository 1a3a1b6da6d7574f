"""Decomposed LayerNorm and exact GELU fused into one node each (before/after equal in the
interpreter), on graphs built here and on torch.onnx exports at opsets that decompose them."""
from __future__ import annotations

import io
import math
import warnings

import numpy as np
import onnx
import pytest
import torch

import frontc
from frontc.compiler import compile_graph
from frontc.passes.transformer import FuseAttention, FuseGelu, FuseGeluTanh, FuseLayerNorm
from tests.passes.util import Net, apply, ops


def _layer_norm_chain(n: Net, x: str, affine: bool, square: str = "Pow") -> str:
    b = n.b
    mean = n.add("ReduceMean", [x], {"axes": [-1], "keepdims": 1}, name="mean")
    d = n.add("Sub", [x, mean], name="centered")
    sq = n.add("Pow", [d, b.param("two", np.float32(2))], name="sq") if square == "Pow" else \
        n.add("Mul", [d, d], name="sq")
    var = n.add("ReduceMean", [sq], {"axes": [-1], "keepdims": 1}, name="var")
    std = n.add("Sqrt", [n.add("Add", [var, b.param("eps", np.float32(1e-5))], name="var_eps")], name="std")
    y = n.add("Div", [d, std], name="normed")
    if affine:
        y = n.add("Mul", [y, n.w(8, name="gamma")], name="scaled")
        y = n.add("Add", [y, n.w(8, name="beta")], name="shifted")
    return y


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("square", ["Pow", "Mul"])
def test_fuse_layer_norm(affine: bool, square: str) -> None:
    n = Net((2, 5, 8))
    graph = n.finish(n.add("Relu", [_layer_norm_chain(n, n.x, affine, square)], name="out"))
    after, changes = apply(graph, FuseLayerNorm())
    assert changes == 1 and ops(after) == ["LayerNorm", "Relu"]
    norm = after.nodes[0]
    assert norm.outputs == [("shifted" if affine else "normed")] and len(norm.meta["fused"]) == (8 if affine else 6)


def test_layer_norm_with_an_extra_reader_is_left_alone() -> None:
    n = Net((2, 5, 8))
    y = _layer_norm_chain(n, n.x, True)
    graph = n.finish(y, "centered")
    after, changes = apply(graph, FuseLayerNorm())
    assert changes == 0 and "LayerNorm" not in ops(after)


@pytest.mark.parametrize("half_first", [False, True])
def test_fuse_gelu(half_first: bool) -> None:
    n = Net((2, 7))
    b, x = n.b, n.x
    erf = n.add("Erf", [n.add("Div", [x, b.param("sqrt2", np.float32(math.sqrt(2)))], name="scaled")], name="erf")
    one_plus = n.add("Add", [erf, b.param("one", np.float32(1))], name="one_plus")
    if half_first:
        y = n.add("Mul", [n.add("Mul", [x, b.param("half", np.float32(0.5))], name="half_x"), one_plus], name="y")
    else:
        y = n.add("Mul", [n.add("Mul", [x, one_plus], name="x_times"), b.param("half", np.float32(0.5))], name="y")
    graph = n.finish(y)
    after, changes = apply(graph, FuseGelu())
    assert changes == 1 and ops(after) == ["Gelu"] and after.outputs == ["y"]


class Block(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.fc, self.norm = torch.nn.Linear(16, 16), torch.nn.LayerNorm(16)

    def forward(self, x):
        return self.norm(torch.nn.functional.gelu(self.fc(x)))


@pytest.mark.parametrize("opset", [13, 16])
def test_torch_onnx_export_is_fused(opset: int) -> None:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Block().eval(), (torch.randn(2, 3, 16),), buffer, dynamo=False, opset_version=opset)
    graph = frontc.load(onnx.load_from_string(buffer.getvalue()), "onnx")
    assert "Erf" in ops(graph) and "LayerNorm" not in ops(graph)
    result = compile_graph(graph, debug=True)
    x = np.random.default_rng(0).standard_normal((2, 3, 16)).astype(np.float32)
    with torch.no_grad():
        reference = Block().eval()(torch.from_numpy(x)).numpy()
    for ir in (result.reconstruct, result.cmodel):
        assert sorted(set(ops(ir))) == ["Dense", "Gelu", "LayerNorm"]
        got = frontc.run(ir, {graph.input_names[0]: x})[ir.outputs[0]]
        assert np.abs(got - reference).max() <= 1e-5 * np.abs(reference).max()


@pytest.mark.parametrize("scale_op,mask", [("Div", True), ("Mul", False), (None, True)])
def test_fuse_attention(scale_op, mask) -> None:
    n = Net((2, 3, 5, 4))
    b = n.b
    k = b.input("k", (2, 3, 6, 4))
    v = b.input("v", (2, 3, 6, 4))
    scores = n.add("MatMul", [n.x, n.add("Transpose", [k], {"perm": [0, 1, 3, 2]}, name="kt")], name="scores")
    if scale_op:
        scores = n.add(scale_op, [scores, b.param("c", np.float32(2.0 if scale_op == "Div" else 0.5))], name="scaled")
    if mask:
        scores = n.add("Add", [scores, n.w(2, 1, 1, 6, name="mask")], name="masked")
    y = n.add("MatMul", [n.add("Softmax", [scores], {"axis": -1}, name="probs"), v], name="context")
    graph = n.finish(y)
    after, changes = apply(graph, FuseAttention())
    assert changes == 1 and ops(after) == ["Attention"] and after.outputs == ["context"]
    assert after.nodes[0].attrs["scale"] == 0.5 if scale_op else 1.0


def test_bert_cmodel_has_one_attention_node_per_layer() -> None:
    from frontc.catalog.torch_cases import sequence_case

    case = sequence_case("bert_tiny")
    graph = frontc.load(case.source, "torch", input_shapes=case.input_shapes, **case.options)
    result = compile_graph(graph, debug=True)
    assert ops(result.cmodel).count("Attention") == 2 and "Softmax" not in ops(result.cmodel)
    assert "Attention" not in ops(result.reconstruct)
    got = frontc.run(result.cmodel, case.feeds)[result.cmodel.outputs[0]]
    assert np.abs(got - case.reference[0]).max() <= 1e-5 * np.abs(case.reference[0]).max()


def test_fuse_gelu_tanh_with_pow() -> None:
    n = Net((2, 7))
    b, x = n.b, n.x
    cube = n.add("Pow", [x, b.param("three", np.float32(3))], name="cube")
    inner = n.add("Add", [x, n.add("Mul", [cube, b.param("c", np.float32(0.044715))], name="cubic")], name="inner")
    t = n.add("Tanh", [n.add("Mul", [b.param("k", np.float32(math.sqrt(2 / math.pi))), inner], name="scaled")],
              name="tanh")
    y = n.add("Mul", [n.add("Mul", [x, n.add("Add", [t, b.param("one", np.float32(1))], name="one_plus")],
                            name="x_times"), b.param("half", np.float32(0.5))], name="y")
    after, changes = apply(n.finish(y), FuseGeluTanh())
    assert changes == 1 and ops(after) == ["Gelu"] and after.nodes[0].attrs == {"approximate": "tanh"}


def test_torch_onnx_tanh_gelu_export_is_fused() -> None:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(torch.nn.GELU(approximate="tanh"), (torch.randn(2, 5),), buffer, dynamo=False,
                          opset_version=17)
    graph = frontc.load(onnx.load_from_string(buffer.getvalue()), "onnx")
    assert "Tanh" in ops(graph)
    result = compile_graph(graph, debug=True)
    assert ops(result.reconstruct) == ["Gelu"]
    x = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32) * 3
    reference = torch.nn.functional.gelu(torch.from_numpy(x), approximate="tanh").numpy()
    got = frontc.run(result.reconstruct, {graph.input_names[0]: x})[result.reconstruct.outputs[0]]
    assert np.abs(got - reference).max() <= 1e-6 * max(1.0, np.abs(reference).max())
