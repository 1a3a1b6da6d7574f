"""ReduceMean, ReduceSum, ReduceMax, ReduceMin vs onnxruntime (opset 17: ReduceSum takes axes as an
input, the others as an attribute)."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.ir.ops.reduce import REDUCE_OPS
from tests.interpreter.onnx_single_op import assert_close, ir_op, onnx_op, randn

AXES = [[], [0], [1], [-1], [2, 3], [-1, 1], [0, 1, 2, 3]]


def _reference(op: str, x: np.ndarray, axes: list[int], keepdims: int) -> list[np.ndarray]:
    if op == "ReduceSum":
        if not axes:
            return onnx_op(op, ["x"], {"x": x}, keepdims=keepdims)
        return onnx_op(op, ["x", "axes"], {"x": x}, {"axes": np.array(axes, np.int64)},
                       keepdims=keepdims)
    if not axes:
        return onnx_op(op, ["x"], {"x": x}, keepdims=keepdims)
    return onnx_op(op, ["x"], {"x": x}, axes=axes, keepdims=keepdims)


@pytest.mark.parametrize("keepdims", [1, 0])
@pytest.mark.parametrize("axes", AXES, ids=str)
@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce(op: str, axes: list[int], keepdims: int) -> None:
    x = randn(2, 3, 4, 5, seed=11, scale=3.0)
    ref = _reference(op, x, axes, keepdims)
    kind = "compute" if op in ("ReduceMean", "ReduceSum") else "exact"
    assert_close(ir_op(op, ["x"], {"x": x}, attrs={"axes": axes, "keepdims": keepdims}), ref, kind)


@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce_1d_to_scalar(op: str) -> None:
    x = randn(7, seed=12)
    ref = _reference(op, x, [0], 0)
    assert_close(ir_op(op, ["x"], {"x": x}, attrs={"axes": [0], "keepdims": 0}), ref, "compute")


@pytest.mark.parametrize("op", ["ReduceSum", "ReduceMax", "ReduceMin"])
def test_reduce_integer(op: str) -> None:
    x = np.arange(-12, 12, dtype=np.int64).reshape(2, 3, 4)
    ref = _reference(op, x, [1], 1)
    assert_close(ir_op(op, ["x"], {"x": x}, attrs={"axes": [1]}), ref, "exact")
