"""Data movement and reductions rebuilt in torch vs the interpreter."""
from __future__ import annotations

import numpy as np
import pytest
from torch import nn

from frontc.backends.torch.layers.select import Pad
from frontc.ir.ops.reduce import REDUCE_OPS
from tests.backends.torch.util import check_op, layer_of
from tests.interpreter.onnx_single_op import randn, rng
from tests.interpreter.test_reduce_kernels import AXES
from tests.interpreter.test_tensor_kernels import CASTS, GATHERS, PADS, SLICES


@pytest.mark.parametrize("op,native", [("Identity", nn.Identity), ("Dropout", nn.Dropout)])
def test_identity_dropout(op: str, native: type) -> None:
    module = check_op(op, ["x"], {"x": randn(2, 3, 4)}, attrs={"ratio": 0.3} if op == "Dropout" else {})
    assert type(layer_of(module)) is native


@pytest.mark.parametrize("src,dst", CASTS)
def test_cast(src: str, dst: str) -> None:
    values = randn(3, 7, seed=4, scale=40.0)
    values[0, :3] = [0.0, -0.0, 0.5]
    if dst == "uint8":
        values = np.abs(values)
    check_op("Cast", ["x"], {"x": values.astype(src)}, attrs={"to": dst})


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_concat(axis: int) -> None:
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for i, shape in enumerate(shapes):
        shape[axis] += i
    feeds = {"a": randn(*shapes[0], seed=1), "b": randn(*shapes[1], seed=2)}
    check_op("Concat", ["a", "c", "b"], feeds, {"c": randn(*shapes[2], seed=3)}, {"axis": axis})


@pytest.mark.parametrize("axis,split", [(1, [2, 3, 1]), (-1, [1, 1]), (0, [4]), (2, [3, 2, 0])])
def test_split(axis: int, split: list[int]) -> None:
    shape = [4, 6, 5, 2]
    shape[axis] = sum(split)
    check_op("Split", ["x"], {"x": randn(*shape)}, attrs={"axis": axis, "split": split}, outputs=len(split))


@pytest.mark.parametrize("case", SLICES)
def test_slice(case: str) -> None:
    check_op("Slice", ["x"], {"x": randn(3, 4, 5, 7)}, attrs=SLICES[case])


@pytest.mark.parametrize("shape,allowzero", [([0, -1], 0), ([-1], 0), ([2, 0, -1, 5], 0), ([2, 3, -1], 1)])
def test_reshape(shape: list[int], allowzero: int) -> None:
    check_op("Reshape", ["x"], {"x": randn(2, 3, 4, 5)}, attrs={"shape": shape, "allowzero": allowzero})


@pytest.mark.parametrize("axis", [0, 1, 2, 3, 4, -1, -3, -4])
def test_flatten(axis: int) -> None:
    module = check_op("Flatten", ["x"], {"x": randn(2, 3, 4, 5)}, attrs={"axis": axis})
    assert isinstance(layer_of(module), nn.Flatten) == (axis in (1, -3))


@pytest.mark.parametrize("perm", [[0, 2, 3, 1], [3, 2, 1, 0], [0, 3, 1, 2], []], ids=str)
def test_transpose(perm: list[int]) -> None:
    check_op("Transpose", ["x"], {"x": randn(2, 3, 4, 5)}, attrs={"perm": perm})


@pytest.mark.parametrize("axes", [[1], [-1, 1], [0, 1, 4], []], ids=str)
def test_squeeze(axes: list[int]) -> None:
    check_op("Squeeze", ["x"], {"x": randn(1, 1, 3, 4, 1)}, attrs={"axes": axes})


@pytest.mark.parametrize("axes", [[0], [-1], [1, 3], [4, 0, 2]], ids=str)
def test_unsqueeze(axes: list[int]) -> None:
    check_op("Unsqueeze", ["x"], {"x": randn(3, 4)}, attrs={"axes": axes})


@pytest.mark.parametrize("mode,value", [("constant", 0.0), ("constant", -1.5), ("reflect", 0.0), ("edge", 0.0)])
@pytest.mark.parametrize("case", PADS)
def test_pad(case: str, mode: str, value: float) -> None:
    """All IR pads, F.pad where it takes them; reflect/edge of the N and C axes go per axis."""
    pads = PADS[case]
    module = check_op("Pad", ["x"], {"x": randn(2, 3, 4, 5)}, attrs={"pads": pads, "mode": mode, "value": value})
    layer = layer_of(module)
    assert isinstance(layer, Pad) and layer.native == (mode == "constant" or max(pads[:2] + pads[4:6]) <= 0)


@pytest.mark.parametrize("mode", ["reflect", "edge"])
@pytest.mark.parametrize("shape,pads", [((5,), [2, 1]), ((3, 4), [1, 0, 2, 3]),
                                        ((2, 2, 3, 4, 3, 4), [0, 0, 1, 0, 2, 1, 0, 0, 2, 1, 0, 1])])
def test_pad_other_ranks(mode: str, shape: tuple, pads: list[int]) -> None:
    check_op("Pad", ["x"], {"x": randn(*shape)}, attrs={"pads": pads, "mode": mode})


def test_pad_integer_constant() -> None:
    x = rng(1).integers(-9, 9, (2, 3)).astype(np.int64)
    check_op("Pad", ["x"], {"x": x}, attrs={"pads": [1, 0, 0, 2], "value": -1.5})


@pytest.mark.parametrize("indices_as", ["param", "input"])
@pytest.mark.parametrize("case", GATHERS)
def test_gather(case: str, indices_as: str) -> None:
    axis, indices = GATHERS[case]
    feeds, params = ({"x": randn(3, 4, 5)}, {"i": indices})
    if indices_as == "input":
        feeds, params = {**feeds, "i": indices}, {}
    module = check_op("Gather", ["x", "i"], feeds, params, {"axis": axis})
    assert module.param_keys == ({"i": "constants.i"} if params else {})


@pytest.mark.parametrize("start,end", [(0, None), (1, None), (-2, None), (1, 3), (3, 1)])
def test_shape(start: int, end: int | None) -> None:
    attrs = {"start": start} | ({"end": end} if end is not None else {})
    module = check_op("Shape", ["x"], {"x": randn(2, 3, 4, 5)}, attrs=attrs)
    assert not module.state_dict()


@pytest.mark.parametrize("x_shape,shape", [((3, 1), (2, 3, 4)), ((2, 3, 4), (3, 1)), ((2, 1, 4), (1, 1, 3, 1))])
def test_expand(x_shape: tuple, shape: tuple) -> None:
    check_op("Expand", ["x"], {"x": randn(*x_shape)}, attrs={"shape": list(shape)})


@pytest.mark.parametrize("repeats", [[2, 1, 3], [1, 1, 1], [1, 4, 2]], ids=str)
def test_tile(repeats: list[int]) -> None:
    check_op("Tile", ["x"], {"x": randn(2, 3, 4)}, attrs={"repeats": repeats})


@pytest.mark.parametrize("mode", ["DCR", "CRD"])
@pytest.mark.parametrize("blocksize,shape", [(2, (2, 8, 3, 4)), (3, (1, 18, 2, 3))])
def test_depth_to_space(mode: str, blocksize: int, shape: tuple) -> None:
    module = check_op("DepthToSpace", ["x"], {"x": randn(*shape)}, attrs={"blocksize": blocksize, "mode": mode})
    assert isinstance(layer_of(module), nn.PixelShuffle) == (mode == "CRD")


@pytest.mark.parametrize("blocksize,shape", [(2, (2, 3, 4, 6)), (3, (1, 2, 6, 9))])
def test_space_to_depth(blocksize: int, shape: tuple) -> None:
    check_op("SpaceToDepth", ["x"], {"x": randn(*shape)}, attrs={"blocksize": blocksize})


@pytest.mark.parametrize("keepdims", [1, 0])
@pytest.mark.parametrize("axes", AXES, ids=str)
@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce(op: str, axes: list[int], keepdims: int) -> None:
    kind = "compute" if op in ("ReduceMean", "ReduceSum") else "exact"
    check_op(op, ["x"], {"x": randn(2, 3, 4, 5, seed=11, scale=3.0)}, attrs={"axes": axes, "keepdims": keepdims},
             kind=kind)


@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce_integer_and_scalar(op: str) -> None:
    x = np.arange(-12, 12, dtype=np.int64).reshape(2, 3, 4) * 7 // 3
    check_op(op, ["x"], {"x": x}, attrs={"axes": [1]})
    check_op(op, ["x"], {"x": randn(7, seed=12)}, attrs={"axes": [0], "keepdims": 0}, kind="compute")
