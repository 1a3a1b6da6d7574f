"""Pools, global pools and reductions, one node each, against the interpreter."""
from __future__ import annotations

import pytest

from frontc.backends.tf import to_keras
from tests.backends.tf.util import check, layer_classes, single

POOL_CASES = {
    "plain": {"kernel_shape": [2, 2], "strides": [2, 2]},
    "overlap": {"kernel_shape": [3, 3], "strides": [1, 1]},
    "pads": {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]},
    "same_like": {"kernel_shape": [3, 3], "strides": [1, 1], "pads": [1, 1, 1, 1]},
    "asymmetric": {"kernel_shape": [3, 2], "strides": [2, 1], "pads": [0, 1, 1, 0]},
    "ceil": {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1},
    "ceil_pads": {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1},
    "ceil_rect": {"kernel_shape": [2, 3], "strides": [3, 2], "pads": [1, 0, 0, 1], "ceil_mode": 1},
}


@pytest.mark.parametrize("case", sorted(POOL_CASES))
@pytest.mark.parametrize("shape", [(1, 3, 10, 9), (2, 2, 7, 8)], ids=["10x9", "7x8"])
def test_max_pool(case, shape):
    check(single("MaxPool", [shape], POOL_CASES[case]))


@pytest.mark.parametrize("include", [0, 1])
@pytest.mark.parametrize("case", sorted(POOL_CASES))
@pytest.mark.parametrize("shape", [(1, 3, 10, 9), (2, 2, 7, 8)], ids=["10x9", "7x8"])
def test_avg_pool(case, include, shape):
    check(single("AvgPool", [shape], {**POOL_CASES[case], "count_include_pad": include}))


@pytest.mark.parametrize("attrs", [
    {"kernel_shape": [3, 3], "dilations": [2, 2]},
    {"kernel_shape": [2, 3], "dilations": [2, 1], "strides": [2, 2], "pads": [1, 1, 0, 1], "ceil_mode": 1},
], ids=["dilated", "dilated_strided_ceil"])
def test_dilated_max_pool(attrs):
    check(single("MaxPool", [(1, 3, 11, 10)], attrs))


@pytest.mark.parametrize("op", ["MaxPool", "AvgPool"])
@pytest.mark.parametrize("shape,attrs", [
    ((1, 3, 11), {"kernel_shape": [3], "strides": [2], "pads": [1, 1]}),
    ((1, 2, 5, 6, 7), {"kernel_shape": [2, 2, 3], "strides": [2, 1, 2], "ceil_mode": 1}),
], ids=["1d", "3d"])
def test_pool_1d_3d(op, shape, attrs):
    check(single(op, [shape], attrs))


def test_pool_padding_choice():
    """Pads that are TF's 'same' become padding='same'; count_include_pad pads are explicit zeros."""
    same = to_keras(single("AvgPool", [(1, 2, 8, 8)], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}))
    counted = to_keras(single("AvgPool", [(1, 2, 8, 8)], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1],
                                                          "count_include_pad": 1}))
    assert "ZeroPadding2D" not in layer_classes(same)
    assert [c for c in layer_classes(counted) if "Pool" in c or "Padding" in c] == \
        ["ZeroPadding2D", "AveragePooling2D"]


@pytest.mark.parametrize("op", ["GlobalAvgPool", "GlobalMaxPool"])
@pytest.mark.parametrize("shape", [(2, 3, 5, 4), (2, 3, 7)], ids=["4d", "3d"])
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_global_pool(op, shape, channels_last_io):
    check(single(op, [shape]), channels_last_io=channels_last_io)


@pytest.mark.parametrize("op", ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin"])
@pytest.mark.parametrize("axes,keepdims", [
    ([2, 3], 1), ([2, 3], 0), ([1], 1), ([1], 0), ([0], 0), ([-1, 1], 0), ([], 1), ([], 0),
])
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_reduce(op, axes, keepdims, channels_last_io):
    check(single(op, [(2, 3, 4, 5)], {"axes": axes, "keepdims": keepdims}),
          channels_last_io=channels_last_io)


def test_reduce_3d():
    check(single("ReduceSum", [(2, 3, 4)], {"axes": [1], "keepdims": 0}))
