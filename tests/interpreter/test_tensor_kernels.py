"""Data movement kernels vs onnxruntime (opset 17: the ONNX constant inputs that the IR keeps as
attributes are initializers here)."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import helper

from tests.interpreter.onnx_single_op import assert_close, ir_op, onnx_op, randn, rng

INT64_MAX, INT64_MIN = 2**63 - 1, -(2**63)


def _ints(**values: list[int]) -> dict[str, np.ndarray]:
    return {k: np.array(v, dtype=np.int64) for k, v in values.items()}


@pytest.mark.parametrize("op", ["Identity", "Dropout"])
def test_identity_dropout(op: str) -> None:
    x = randn(2, 3, 4)
    ref = onnx_op(op, ["x"], {"x": x})
    assert_close(ir_op(op, ["x"], {"x": x}), ref, "exact")


CASTS = [("float32", "int32"), ("float32", "int64"), ("float32", "float16"), ("float32", "float64"),
         ("float32", "bool"), ("float32", "uint8"), ("int64", "float32"), ("int32", "int64"),
         ("bool", "float32"), ("float16", "float32"), ("int64", "int32")]


@pytest.mark.parametrize("src,dst", CASTS)
def test_cast(src: str, dst: str) -> None:
    values = randn(3, 7, seed=4, scale=40.0)
    values[0, :3] = [0.0, -0.0, 0.5]
    if dst == "uint8":
        values = np.abs(values)
    x = values.astype(src)
    ref = onnx_op("Cast", ["x"], {"x": x}, to=helper.np_dtype_to_tensor_dtype(np.dtype(dst)))
    assert_close(ir_op("Cast", ["x"], {"x": x}, attrs={"to": dst}), ref, "exact")


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_concat(axis: int) -> None:
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for i, shape in enumerate(shapes):
        shape[axis] += i
    feeds = {"a": randn(*shapes[0], seed=1), "b": randn(*shapes[1], seed=2)}
    params = {"c": randn(*shapes[2], seed=3)}
    ref = onnx_op("Concat", ["a", "c", "b"], feeds, params, axis=axis)
    assert_close(ir_op("Concat", ["a", "c", "b"], feeds, params, {"axis": axis}), ref, "exact")


@pytest.mark.parametrize("axis,split", [(1, [2, 3, 1]), (-1, [1, 1]), (0, [4]), (2, [3, 2, 0])])
def test_split(axis: int, split: list[int]) -> None:
    shape = [4, 6, 5, 2]
    shape[axis] = sum(split)
    x = randn(*shape)
    ref = onnx_op("Split", ["x", "split"], {"x": x}, _ints(split=split), outputs=len(split), axis=axis)
    got = ir_op("Split", ["x"], {"x": x}, attrs={"axis": axis, "split": split}, outputs=len(split))
    assert_close(got, ref, "exact")


SLICES = {
    "simple": {"starts": [1], "ends": [3], "axes": [1]},
    "negative": {"starts": [-3], "ends": [-1], "axes": [-1]},
    "out_of_range": {"starts": [-100], "ends": [100], "axes": [0]},
    "int64_limits": {"starts": [1, 0], "ends": [INT64_MAX, INT64_MAX], "axes": [2, 3]},
    "no_axes": {"starts": [0, 1], "ends": [2, 3]},
    "step2": {"starts": [0, 1], "ends": [5, 6], "axes": [3, 2], "steps": [2, 3]},
    "reverse": {"starts": [-1], "ends": [INT64_MIN], "axes": [3], "steps": [-1]},
    "reverse_step2": {"starts": [4], "ends": [0], "axes": [2], "steps": [-2]},
    "reverse_clamped": {"starts": [100], "ends": [-100], "axes": [-1], "steps": [-3]},
    "reverse_to_minus_one": {"starts": [3], "ends": [-1], "axes": [2], "steps": [-1]},
    "empty": {"starts": [3], "ends": [1], "axes": [1]},
    "mixed": {"starts": [-1, 0, 2], "ends": [-4, 2, INT64_MAX], "axes": [1, 0, 3], "steps": [-1, 1, 2]},
}


@pytest.mark.parametrize("case", SLICES)
def test_slice(case: str) -> None:
    attrs = SLICES[case]
    x = randn(3, 4, 5, 7)
    names = ["starts", "ends", "axes", "steps"][:len(attrs) if "axes" in attrs else 2]
    ref = onnx_op("Slice", ["x", *names], {"x": x}, _ints(**{k: attrs[k] for k in names}))
    assert_close(ir_op("Slice", ["x"], {"x": x}, attrs=attrs), ref, "exact")


@pytest.mark.parametrize("shape,allowzero", [([0, -1], 0), ([-1], 0), ([2, 0, -1, 5], 0), ([6, 20], 0),
                                             ([0, 0, 0, 0], 0), ([2, 3, -1], 1), ([-1, 1, 5, 1], 0)])
def test_reshape(shape: list[int], allowzero: int) -> None:
    x = randn(2, 3, 4, 5)
    ref = onnx_op("Reshape", ["x", "shape"], {"x": x}, _ints(shape=shape), allowzero=allowzero)
    got = ir_op("Reshape", ["x"], {"x": x}, attrs={"shape": shape, "allowzero": allowzero})
    assert_close(got, ref, "exact")


@pytest.mark.parametrize("axis", [0, 1, 2, 3, 4, -1, -4])
def test_flatten(axis: int) -> None:
    x = randn(2, 3, 4, 5)
    ref = onnx_op("Flatten", ["x"], {"x": x}, axis=axis)
    assert_close(ir_op("Flatten", ["x"], {"x": x}, attrs={"axis": axis}), ref, "exact")


@pytest.mark.parametrize("perm", [[0, 2, 3, 1], [3, 2, 1, 0], [1, 0, 2, 3], [0, 3, 1, 2], []], ids=str)
def test_transpose(perm: list[int]) -> None:
    x = randn(2, 3, 4, 5)
    ref = onnx_op("Transpose", ["x"], {"x": x}, **({"perm": perm} if perm else {}))
    assert_close(ir_op("Transpose", ["x"], {"x": x}, attrs={"perm": perm}), ref, "exact")


@pytest.mark.parametrize("axes", [[1], [-1, 1], [0, 1, 4], []], ids=str)
def test_squeeze(axes: list[int]) -> None:
    x = randn(1, 1, 3, 4, 1)
    inputs, consts = (["x", "axes"], _ints(axes=axes)) if axes else (["x"], {})
    ref = onnx_op("Squeeze", inputs, {"x": x}, consts)
    assert_close(ir_op("Squeeze", ["x"], {"x": x}, attrs={"axes": axes}), ref, "exact")


@pytest.mark.parametrize("axes", [[0], [-1], [1, 3], [0, -1], [4, 0, 2]], ids=str)
def test_unsqueeze(axes: list[int]) -> None:
    x = randn(3, 4)
    ref = onnx_op("Unsqueeze", ["x", "axes"], {"x": x}, _ints(axes=axes))
    assert_close(ir_op("Unsqueeze", ["x"], {"x": x}, attrs={"axes": axes}), ref, "exact")


PADS = {
    "spatial": [0, 0, 1, 2, 0, 0, 3, 1],
    "all_axes": [1, 2, 0, 1, 0, 1, 2, 0],
    "crop": [0, 0, -1, 0, 0, 0, 0, -2],
    "crop_and_pad_one_axis": [0, 0, -1, 2, 0, 0, 2, -1],
    "zero": [0] * 8,
}


@pytest.mark.parametrize("mode,value", [("constant", 0.0), ("constant", -1.5), ("reflect", 0.0),
                                        ("edge", 0.0)])
@pytest.mark.parametrize("case", PADS)
def test_pad(case: str, mode: str, value: float) -> None:
    pads = PADS[case]
    x = randn(2, 3, 4, 5)
    consts = {"pads": np.array(pads, np.int64), "value": np.float32(value)}
    ref = onnx_op("Pad", ["x", "pads", "value"], {"x": x}, consts, mode=mode)
    assert_close(ir_op("Pad", ["x"], {"x": x}, attrs={"pads": pads, "mode": mode, "value": value}), ref,
                 "exact")


GATHERS = {
    "axis0": (0, np.array([2, 0, -1, -3], np.int64)),
    "axis1_2d_indices": (1, np.array([[0, -1], [3, 1], [-4, 2]], np.int64)),
    "last_axis_int32": (-1, np.array([4, -5, 0], np.int32)),
    "scalar_index": (1, np.array(-2, np.int64)),
}


@pytest.mark.parametrize("indices_as", ["param", "input"])
@pytest.mark.parametrize("case", GATHERS)
def test_gather(case: str, indices_as: str) -> None:
    axis, indices = GATHERS[case]
    x = randn(3, 4, 5)
    feeds, params = ({"x": x}, {"i": indices}) if indices_as == "param" else ({"x": x, "i": indices}, {})
    ref = onnx_op("Gather", ["x", "i"], feeds, params, axis=axis)
    assert_close(ir_op("Gather", ["x", "i"], feeds, params, {"axis": axis}), ref, "exact")


def test_gather_scalar_from_vector() -> None:
    x, params = randn(6), {"i": np.array(-1, np.int64)}
    ref = onnx_op("Gather", ["x", "i"], {"x": x}, params)
    assert_close(ir_op("Gather", ["x", "i"], {"x": x}, params), ref, "exact")


@pytest.mark.parametrize("start,end", [(0, None), (1, None), (-2, None), (0, -1), (1, 3), (-10, 10),
                                       (3, 1)])
def test_shape(start: int, end: int | None) -> None:
    x = randn(2, 3, 4, 5)
    attrs = {"start": start} | ({"end": end} if end is not None else {})
    ref = onnx_op("Shape", ["x"], {"x": x}, **attrs)
    assert_close(ir_op("Shape", ["x"], {"x": x}, attrs=attrs), ref, "exact")


@pytest.mark.parametrize("x_shape,shape", [((3, 1), (2, 3, 4)), ((1,), (5,)), ((2, 3, 4), (3, 1)),
                                           ((2, 1, 4), (1, 1, 3, 1)), ((3,), (2, 1, 3))])
def test_expand(x_shape: tuple, shape: tuple) -> None:
    x = randn(*x_shape)
    ref = onnx_op("Expand", ["x", "shape"], {"x": x}, _ints(shape=list(shape)))
    assert_close(ir_op("Expand", ["x"], {"x": x}, attrs={"shape": list(shape)}), ref, "exact")


@pytest.mark.parametrize("repeats", [[2, 1, 3], [1, 1, 1], [1, 4, 2]], ids=str)
def test_tile(repeats: list[int]) -> None:
    x = randn(2, 3, 4)
    ref = onnx_op("Tile", ["x", "repeats"], {"x": x}, _ints(repeats=repeats))
    assert_close(ir_op("Tile", ["x"], {"x": x}, attrs={"repeats": repeats}), ref, "exact")


@pytest.mark.parametrize("mode", ["DCR", "CRD"])
@pytest.mark.parametrize("blocksize,shape", [(2, (2, 8, 3, 4)), (3, (1, 18, 2, 3))])
def test_depth_to_space(mode: str, blocksize: int, shape: tuple) -> None:
    x = randn(*shape)
    ref = onnx_op("DepthToSpace", ["x"], {"x": x}, blocksize=blocksize, mode=mode)
    got = ir_op("DepthToSpace", ["x"], {"x": x}, attrs={"blocksize": blocksize, "mode": mode})
    assert_close(got, ref, "exact")


@pytest.mark.parametrize("blocksize,shape", [(2, (2, 3, 4, 6)), (3, (1, 2, 6, 9))])
def test_space_to_depth(blocksize: int, shape: tuple) -> None:
    x = rng(1).standard_normal(shape).astype(np.float32)
    ref = onnx_op("SpaceToDepth", ["x"], {"x": x}, blocksize=blocksize)
    assert_close(ir_op("SpaceToDepth", ["x"], {"x": x}, attrs={"blocksize": blocksize}), ref, "exact")
