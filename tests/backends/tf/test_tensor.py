"""Data-movement ops, one node each, against the interpreter; 4-D inputs both as NCHW and NHWC
(held channels-last, so that every axis attribute goes through the layout remapping)."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.frontends.builder import GraphBuilder
from tests.backends.tf.util import check, feeds_for, randn, single

io_layouts = pytest.mark.parametrize("channels_last_io", [False, True], ids=["nchw", "nhwc"])
X = (2, 3, 4, 5)


@io_layouts
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_concat(axis, channels_last_io):
    other = list(X)
    other[axis] = 2
    check(single("Concat", [X, tuple(other), randn(*other)], {"axis": axis}),
          channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("axis,sizes", [(1, [1, 2]), (3, [2, 0, 3]), (-2, [4])])
def test_split(axis, sizes, channels_last_io):
    graph = single("Split", [X], {"axis": axis, "split": sizes}, outputs=len(sizes))
    check(graph, channels_last_io=channels_last_io)


SLICES = [
    {"starts": [1], "ends": [3], "axes": [1]},
    {"starts": [0, 1], "ends": [-1, 100], "axes": [2, 3], "steps": [2, 1]},
    {"starts": [-1, 4], "ends": [-100, 0], "axes": [1, 3], "steps": [-1, -2]},
    {"starts": [1, 0, 3], "ends": [2, 1, 1], "axes": [0, 2, 3]},
]


@io_layouts
@pytest.mark.parametrize("attrs", SLICES, ids=["channels", "spatial_step", "negative_steps", "empty"])
def test_slice(attrs, channels_last_io):
    check(single("Slice", [X], attrs), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("pads,mode,value", [
    ([0, 0, 1, 2, 0, 0, 2, 1], "constant", 0.0),
    ([0, 1, 1, 0, 1, 0, 0, 2], "constant", -1.5),
    ([0, 0, 2, 1, 0, 0, 1, 3], "reflect", 0.0),
    ([0, 1, 2, 1, 1, 0, 1, 3], "edge", 0.0),
    ([0, -1, 1, -2, 0, 0, -1, 1], "constant", 0.5),
], ids=["zero_spatial", "value_channels", "reflect", "edge", "crop"])
def test_pad(pads, mode, value, channels_last_io):
    check(single("Pad", [X], {"pads": pads, "mode": mode, "value": value}), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("op", ["Identity", "Dropout"])
def test_identity(op, channels_last_io):
    check(single(op, [X]), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("to", ["int32", "float64", "float16"])
def test_cast(to, channels_last_io):
    check(single("Cast", [X], {"to": to}), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("axis,index", [
    (1, np.array([2, 0, -1], np.int64)), (3, np.array([[1, 4], [0, -2]], np.int32)),
    (2, np.array(1, np.int64)), (0, np.array([1, 1, 0], np.int64)),
], ids=["channels", "2d_index", "scalar_index", "batch"])
def test_gather_constant_indices(axis, index, channels_last_io):
    check(single("Gather", [X, index], {"axis": axis}), channels_last_io=channels_last_io)


def test_gather_tensor_indices():
    """An embedding lookup: a param table read at indices fed to the graph."""
    b = GraphBuilder("embed", "test")
    idx = b.input("idx", (2, 3), "int64")
    graph = b.finish([b.add1("Gather", [b.param("table", randn(7, 4)), idx], name="gather")])
    check(graph, {"idx": np.array([[0, 6, -1], [3, 3, 2]], np.int64)})


@io_layouts
@pytest.mark.parametrize("start,end", [(0, 2**31 - 1), (1, 3), (-1, 2**31 - 1)])
def test_shape(start, end, channels_last_io):
    check(single("Shape", [X], {"start": start, "end": end}), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("shape,target", [((2, 3, 1, 5), [2, 3, 4, 5]), ((3, 1, 1), [2, 3, 4, 5]),
                                          ((2, 1, 4, 1), [1, 5])])
def test_expand(shape, target, channels_last_io):
    check(single("Expand", [shape], {"shape": target}), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("repeats", [[1, 2, 1, 3], [2, 1, 2, 1]])
def test_tile(repeats, channels_last_io):
    check(single("Tile", [X], {"repeats": repeats}), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("mode", ["DCR", "CRD"])
def test_depth_to_space(mode, channels_last_io):
    check(single("DepthToSpace", [(2, 8, 3, 4)], {"blocksize": 2, "mode": mode}),
          channels_last_io=channels_last_io)


@io_layouts
def test_space_to_depth(channels_last_io):
    check(single("SpaceToDepth", [(2, 3, 4, 6)], {"blocksize": 2}), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("shape,target", [
    (X, [2, -1]), (X, [0, 3, 20]), (X, [6, 20]), (X, [2, 12, 5, 1]), ((2, 6, 1, 1), [2, 6]),
    ((2, 6, 1, 1), [12]), ((2, 1, 1, 6), [2, 3, 2, 1]),
], ids=["flat", "merge_hw", "batch_changes", "to_4d", "squeeze_like", "to_1d", "channels_1"])
def test_reshape(shape, target, channels_last_io):
    check(single("Reshape", [shape], {"shape": target}), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("axis", [1, 0, 2, -1])
def test_flatten(axis, channels_last_io):
    check(single("Flatten", [X], {"axis": axis}), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("op,shape,attrs", [
    ("Squeeze", (2, 3, 1, 1), {"axes": [2, 3]}), ("Squeeze", (1, 3, 1, 5), {}),
    ("Unsqueeze", (2, 3), {"axes": [2, 3]}), ("Unsqueeze", (2, 3, 5), {"axes": [0]}),
    ("Unsqueeze", X, {"axes": [-1]}),
], ids=["squeeze_hw", "squeeze_all", "unsqueeze_hw", "unsqueeze_batch", "unsqueeze_5d"])
def test_squeeze_unsqueeze(op, shape, attrs, channels_last_io):
    check(single(op, [shape], attrs), channels_last_io=channels_last_io)


@io_layouts
@pytest.mark.parametrize("perm", [[0, 2, 3, 1], [0, 3, 1, 2], [0, 1, 3, 2], [1, 0, 2, 3], [3, 2, 1, 0], []])
def test_transpose(perm, channels_last_io):
    check(single("Transpose", [X], {"perm": perm}), channels_last_io=channels_last_io)


def test_transpose_3d():
    check(single("Transpose", [(2, 3, 4)], {"perm": [2, 0, 1]}))


def test_int_tensors():
    """Shape -> Gather -> Cast: integer tensors pass through the model untouched."""
    b = GraphBuilder("ints", "test")
    x = b.input("x", X)
    s = b.add1("Shape", [x], name="shape")
    hw = b.add1("Gather", [s, b.param("idx", np.array([2, 3], np.int64))], name="hw")
    graph = b.finish([b.add1("Cast", [hw], {"to": "float32"}, name="cast")])
    check(graph, feeds_for(graph))
