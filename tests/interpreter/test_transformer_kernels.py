"""LayerNorm, GroupNorm, InstanceNorm, Gelu, Erf, LogSoftmax, Einsum, comparisons, logic and Where
vs onnxruntime."""
from __future__ import annotations

import numpy as np
import pytest

from tests.interpreter.onnx_single_op import assert_close, ir_op, onnx_op, randn, rng


@pytest.mark.parametrize("shape,axis", [((2, 5, 8), -1), ((2, 5, 8), 1), ((3, 16), -1), ((2, 3, 4, 5), 2)])
@pytest.mark.parametrize("bias", [True, False])
def test_layer_norm(shape: tuple, axis: int, bias: bool) -> None:
    x = randn(*shape, scale=3.0) + np.float32(1.5)
    params = {"scale": randn(*shape[axis:], seed=1)}
    if bias:
        params["bias"] = randn(*shape[axis:], seed=2)
    ref = onnx_op("LayerNormalization", ["x", *params], {"x": x}, params, axis=axis, epsilon=1e-5)
    assert_close(ir_op("LayerNorm", ["x", *params], {"x": x}, params, {"axis": axis}), ref, "compute")


@pytest.mark.parametrize("shape,groups", [((2, 6, 5, 4), 3), ((2, 8, 7), 2), ((1, 4, 3, 3), 4), ((2, 6, 5, 4), 1)])
def test_group_norm(shape: tuple, groups: int) -> None:
    x = randn(*shape, scale=2.0)
    params = {"scale": randn(shape[1], seed=1), "bias": randn(shape[1], seed=2)}
    ref = onnx_op("GroupNormalization", ["x", *params], {"x": x}, params, opset=21, num_groups=groups,
                  epsilon=1e-4)
    assert_close(ir_op("GroupNorm", ["x", *params], {"x": x}, params,
                       {"num_groups": groups, "epsilon": 1e-4}), ref, "compute")


@pytest.mark.parametrize("shape", [(2, 3, 5, 4), (2, 4, 9), (1, 2, 3, 4, 2)])
def test_instance_norm(shape: tuple) -> None:
    x = randn(*shape, scale=2.0)
    params = {"scale": randn(shape[1], seed=1), "bias": randn(shape[1], seed=2)}
    ref = onnx_op("InstanceNormalization", ["x", *params], {"x": x}, params, epsilon=1e-5)
    assert_close(ir_op("InstanceNorm", ["x", *params], {"x": x}, params), ref, "compute")


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu(approximate: str) -> None:
    x = randn(4, 7, 9, scale=3.0)
    ref = onnx_op("Gelu", ["x"], {"x": x}, opset=20, approximate=approximate)
    assert_close(ir_op("Gelu", ["x"], {"x": x}, attrs={"approximate": approximate}), ref, "exact")


def test_erf() -> None:
    x = randn(5, 40, scale=2.0)
    assert_close(ir_op("Erf", ["x"], {"x": x}), onnx_op("Erf", ["x"], {"x": x}), "exact")


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_log_softmax(axis: int) -> None:
    x = randn(3, 4, 6, scale=5.0)
    ref = onnx_op("LogSoftmax", ["x"], {"x": x}, axis=axis)
    assert_close(ir_op("LogSoftmax", ["x"], {"x": x}, attrs={"axis": axis}), ref, "exact")


EINSUM = {"bhqd,bhkd->bhqk": ((2, 3, 5, 4), (2, 3, 6, 4)), "bhqk,bhkd->bhqd": ((2, 3, 5, 6), (2, 3, 6, 4)),
          "bqd,bkd->bqk": ((2, 5, 4), (2, 6, 4)), "ij,jk": ((3, 4), (4, 5)), "...ij,...jk->...ik":
          ((2, 3, 4), (1, 4, 5)), "bid,hd->bih": ((2, 3, 4), (5, 4)), "ii->i": ((4, 4),),
          "bij->bji": ((2, 3, 4),), "i,j->ij": ((3,), (4,))}


@pytest.mark.parametrize("equation", EINSUM)
def test_einsum(equation: str) -> None:
    feeds = {f"x{i}": randn(*s, seed=i) for i, s in enumerate(EINSUM[equation])}
    ref = onnx_op("Einsum", list(feeds), feeds, equation=equation)
    assert_close(ir_op("Einsum", list(feeds), feeds, attrs={"equation": equation}), ref, "compute")


@pytest.mark.parametrize("op", ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_compare(op: str, dtype: str) -> None:
    feeds = {"a": rng(0).integers(-2, 3, (3, 4)).astype(dtype), "b": rng(1).integers(-2, 3, (4,)).astype(dtype)}
    assert_close(ir_op(op, ["a", "b"], feeds), onnx_op(op, ["a", "b"], feeds), "exact")


@pytest.mark.parametrize("op", ["And", "Or", "Xor"])
def test_logic(op: str) -> None:
    feeds = {"a": rng(0).integers(0, 2, (3, 4)).astype(bool), "b": rng(1).integers(0, 2, (3, 1)).astype(bool)}
    assert_close(ir_op(op, ["a", "b"], feeds), onnx_op(op, ["a", "b"], feeds), "exact")


def test_not_and_where() -> None:
    feeds = {"c": rng(0).integers(0, 2, (3, 1)).astype(bool), "x": randn(3, 4), "v": randn(4, seed=1)}
    assert_close(ir_op("Not", ["c"], {"c": feeds["c"]}), onnx_op("Not", ["c"], {"c": feeds["c"]}), "exact")
    assert_close(ir_op("Where", ["c", "x", "v"], feeds), onnx_op("Where", ["c", "x", "v"], feeds), "exact")


@pytest.mark.parametrize("fmod,dtype", [(0, "int64"), (1, "int32"), (1, "float32")])
def test_mod(fmod: int, dtype: str) -> None:
    feeds = {"a": rng(0).integers(-9, 10, (3, 4)).astype(dtype), "b": rng(1).choice([-4, -3, 2, 5], (4,)).astype(dtype)}
    if dtype == "float32":
        feeds = {k: v + np.float32(0.25) for k, v in feeds.items()}
    ref = onnx_op("Mod", ["a", "b"], feeds, fmod=fmod)
    assert_close(ir_op("Mod", ["a", "b"], feeds, attrs={"fmod": fmod}), ref, "exact")


@pytest.mark.parametrize("mask,scale", [(True, 0.0), (False, 0.3)])
def test_attention_is_matmul_softmax_matmul(mask: bool, scale: float) -> None:
    from onnx import helper

    from tests.interpreter.onnx_single_op import run_onnx

    feeds = {"q": randn(2, 3, 5, 4), "k": randn(2, 3, 6, 4, seed=1), "v": randn(1, 3, 6, 7, seed=2)}
    params = {"m": randn(2, 1, 5, 6, seed=3)} if mask else {}
    factor = scale or 1 / np.sqrt(4)
    nodes = [helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
             helper.make_node("MatMul", ["q", "kt"], ["s"]), helper.make_node("Mul", ["s", "c"], ["sc"]),
             helper.make_node("Add" if mask else "Identity", ["sc", "m"] if mask else ["sc"], ["sm"]),
             helper.make_node("Softmax", ["sm"], ["p"], axis=-1), helper.make_node("MatMul", ["p", "v"], ["y"])]
    ref = run_onnx(nodes, feeds, {**params, "c": np.float32(factor)})
    got = ir_op("Attention", ["q", "k", "v", *params], feeds, params, {"scale": scale})
    assert_close(got, ref, "compute")


UNARY_DOMAINS = {"Round": (-3, 3), "Sign": (-3, 3), "Sin": (-3, 3), "Cos": (-3, 3), "Tan": (-1.4, 1.4),
                 "Asin": (-0.95, 0.95), "Acos": (-0.95, 0.95), "Atan": (-3, 3), "Sinh": (-3, 3), "Cosh": (-3, 3),
                 "Asinh": (-3, 3), "Acosh": (1.05, 3), "Atanh": (-0.95, 0.95), "Softplus": (-30, 30),
                 "Softsign": (-3, 3)}


@pytest.mark.parametrize("op", UNARY_DOMAINS)
def test_unary_math(op: str) -> None:
    low, high = UNARY_DOMAINS[op]
    x = rng(0).uniform(low, high, (4, 50)).astype(np.float32)
    if op == "Round":
        x[0, :4] = [0.5, 1.5, 2.5, -0.5]  # ties to even
    assert_close(ir_op(op, ["x"], {"x": x}), onnx_op(op, ["x"], {"x": x}), "exact")


@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
@pytest.mark.parametrize("axis,keepdims,last", [(1, 1, 0), (-1, 0, 1), (0, 1, 1)])
def test_arg_reduce(op: str, axis: int, keepdims: int, last: int) -> None:
    x = np.round(randn(3, 4, 5)).astype(np.float32)  # ties
    attrs = {"axis": axis, "keepdims": keepdims, "select_last_index": last}
    assert_close(ir_op(op, ["x"], {"x": x}, attrs=attrs), onnx_op(op, ["x"], {"x": x}, **attrs), "exact")


@pytest.mark.parametrize("axis,largest,k", [(-1, 1, 3), (1, 0, 2), (0, 1, 1)])
def test_top_k(axis: int, largest: int, k: int) -> None:
    x = np.round(randn(3, 4, 6) * 2).astype(np.float32)  # ties: the lower index first
    ref = onnx_op("TopK", ["x", "k"], {"x": x}, {"k": np.array([k], np.int64)}, outputs=2, axis=axis, largest=largest)
    got = ir_op("TopK", ["x"], {"x": x}, attrs={"k": k, "axis": axis, "largest": largest}, outputs=2)
    assert_close(got, ref, "exact")


@pytest.mark.parametrize("exclusive,reverse", [(0, 0), (1, 0), (0, 1), (1, 1)])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_cum_sum(exclusive: int, reverse: int, dtype: str) -> None:
    x = (randn(3, 5, 4) * 3).astype(dtype)
    ref = onnx_op("CumSum", ["x", "axis"], {"x": x}, {"axis": np.array(1, np.int64)}, exclusive=exclusive,
                  reverse=reverse)
    got = ir_op("CumSum", ["x"], {"x": x}, attrs={"axis": 1, "exclusive": exclusive, "reverse": reverse})
    assert_close(got, ref, "exact")


@pytest.mark.parametrize("op", ["ReduceProd", "ReduceL2"])
@pytest.mark.parametrize("axes,keepdims", [([1], 1), ([0, 2], 0), ([], 1)])
def test_reduce_prod_l2(op: str, axes: list, keepdims: int) -> None:
    x = randn(3, 4, 5) * np.float32(0.5) + np.float32(1)
    params = {"axes": np.array(axes, np.int64)} if axes else {}
    ref = onnx_op(op, ["x", *params], {"x": x}, params, opset=18, keepdims=keepdims)
    assert_close(ir_op(op, ["x"], {"x": x}, attrs={"axes": axes, "keepdims": keepdims}), ref, "compute")


@pytest.mark.parametrize("axis,index_shape", [(0, (2, 4, 5)), (1, (3, 2, 5)), (-1, (3, 4, 7)), (2, (1, 2, 3))])
def test_gather_elements(axis: int, index_shape: tuple) -> None:
    x = randn(3, 4, 5)
    dim = x.shape[axis]
    params = {"i": rng(1).integers(-dim, dim, index_shape).astype(np.int64)}
    ref = onnx_op("GatherElements", ["x", "i"], {"x": x}, params, axis=axis)
    assert_close(ir_op("GatherElements", ["x", "i"], {"x": x}, params, {"axis": axis}), ref, "exact")


@pytest.mark.parametrize("batch_dims,index",
                         [(0, [[0, 1], [2, -1]]), (0, [[1], [0]]), (1, [[[1, 2]], [[0, 0]], [[3, 1]]])])
def test_gather_nd(batch_dims: int, index: list) -> None:
    x = randn(3, 4, 5)
    params = {"i": np.array(index, np.int64)}
    ref = onnx_op("GatherND", ["x", "i"], {"x": x}, params, batch_dims=batch_dims)
    assert_close(ir_op("GatherND", ["x", "i"], {"x": x}, params, {"batch_dims": batch_dims}), ref, "exact")


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
def test_scatter_nd_and_elements(reduction: str) -> None:
    x = randn(3, 4, 5)
    nd = {"i": np.array([[0, 1], [2, 3]] if reduction == "none" else [[0, 1], [2, 3], [0, 1]], np.int64)}
    nd["u"] = randn(len(nd["i"]), 5, seed=1)
    ref = onnx_op("ScatterND", ["x", "i", "u"], {"x": x}, nd, opset=18, reduction=reduction)
    assert_close(ir_op("ScatterND", ["x", "i", "u"], {"x": x}, nd, {"reduction": reduction}), ref, "exact")
    index = np.stack([rng(2).permutation(4)[:2] for _ in range(3 * 5)]).reshape(3, 5, 2).transpose(0, 2, 1)
    el = {"i": (index if reduction == "none" else rng(2).integers(-4, 4, (3, 2, 5))).astype(np.int64),
          "u": randn(3, 2, 5, seed=3)}
    ref = onnx_op("ScatterElements", ["x", "i", "u"], {"x": x}, el, opset=18, axis=1, reduction=reduction)
    got = ir_op("ScatterElements", ["x", "i", "u"], {"x": x}, el, {"axis": 1, "reduction": reduction})
    assert_close(got, ref, "exact")
