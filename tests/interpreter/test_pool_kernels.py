"""MaxPool, AvgPool and the global pools vs onnxruntime."""
from __future__ import annotations

import numpy as np
import pytest

from tests.interpreter.onnx_single_op import assert_close, ir_op, onnx_op, randn, rng

# (input shape, attrs); every case runs with ceil_mode off and on
WINDOWS = {
    "k2s2": ((2, 3, 8, 8), {"kernel_shape": [2, 2], "strides": [2, 2]}),
    "k3s2_odd": ((1, 2, 9, 10), {"kernel_shape": [3, 3], "strides": [2, 2]}),
    "k3s2p1": ((1, 2, 10, 9), {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}),
    "asym_pads": ((1, 3, 7, 8), {"kernel_shape": [3, 2], "strides": [2, 3], "pads": [0, 1, 2, 1]}),
    "last_window_in_pad": ((1, 1, 6, 6), {"kernel_shape": [2, 2], "strides": [2, 2],
                                          "pads": [1, 1, 1, 1]}),
    "ceil_window_all_pad": ((1, 2, 6, 7), {"kernel_shape": [3, 3], "strides": [2, 2],
                                           "pads": [0, 0, 2, 2]}),
    "k3s1p1": ((1, 2, 5, 6), {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}),
    "rect_kernel": ((2, 2, 11, 7), {"kernel_shape": [5, 3], "strides": [3, 2], "pads": [2, 1, 2, 1]}),
    "1d": ((2, 3, 11), {"kernel_shape": [3], "strides": [2], "pads": [1, 0]}),
    "3d": ((1, 2, 5, 6, 7), {"kernel_shape": [2, 3, 2], "strides": [2, 2, 3], "pads": [0, 1, 1, 1, 0, 0]}),
}

MAX_ONLY = {
    "dilated": ((1, 2, 11, 10), {"kernel_shape": [3, 2], "strides": [2, 2], "dilations": [2, 3]}),
    "dilated_pads": ((1, 2, 9, 9), {"kernel_shape": [2, 2], "strides": [1, 2], "dilations": [2, 2],
                                    "pads": [1, 0, 1, 1]}),
    "dilated_1d": ((1, 2, 13), {"kernel_shape": [3], "strides": [3], "dilations": [2],
                                "pads": [2, 1]}),
}


@pytest.mark.parametrize("ceil_mode", [0, 1])
@pytest.mark.parametrize("case", [*WINDOWS, *MAX_ONLY])
def test_max_pool(case: str, ceil_mode: int) -> None:
    shape, attrs = {**WINDOWS, **MAX_ONLY}[case]
    x = randn(*shape, seed=7)
    attrs = {**attrs, "ceil_mode": ceil_mode}
    ref = onnx_op("MaxPool", ["x"], {"x": x}, **attrs)
    assert_close(ir_op("MaxPool", ["x"], {"x": x}, attrs=attrs), ref, "exact")


def test_max_pool_all_negative_with_padding() -> None:
    """Padding never wins the max, even where every real value is negative."""
    x = -abs(randn(1, 2, 5, 5)) - 1
    attrs = {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1}
    ref = onnx_op("MaxPool", ["x"], {"x": x}, **attrs)
    assert_close(ir_op("MaxPool", ["x"], {"x": x}, attrs=attrs), ref, "exact")


@pytest.mark.parametrize("dtype", ["uint8", "int8"])
def test_max_pool_integer(dtype: str) -> None:
    """Integer padding is the type's minimum, so it never wins the max either."""
    info = np.iinfo(dtype)
    x = rng(3).integers(info.min, info.max, (1, 2, 7, 6), endpoint=True).astype(dtype)
    attrs = {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1}
    ref = onnx_op("MaxPool", ["x"], {"x": x}, **attrs)
    assert_close(ir_op("MaxPool", ["x"], {"x": x}, attrs=attrs), ref, "exact")


@pytest.mark.parametrize("count_include_pad", [0, 1])
@pytest.mark.parametrize("ceil_mode", [0, 1])
@pytest.mark.parametrize("case", WINDOWS)
def test_avg_pool(case: str, ceil_mode: int, count_include_pad: int) -> None:
    shape, attrs = WINDOWS[case]
    x = randn(*shape, seed=8)
    attrs = {**attrs, "ceil_mode": ceil_mode, "count_include_pad": count_include_pad}
    ref = onnx_op("AveragePool", ["x"], {"x": x}, **attrs)
    assert_close(ir_op("AvgPool", ["x"], {"x": x}, attrs=attrs), ref, "compute")


@pytest.mark.parametrize("shape", [(2, 3, 5, 7), (1, 4, 9), (1, 2, 3, 4, 5), (2, 3, 1, 1)])
@pytest.mark.parametrize("op,onnx_type,kind", [("GlobalAvgPool", "GlobalAveragePool", "compute"),
                                               ("GlobalMaxPool", "GlobalMaxPool", "exact")])
def test_global_pool(shape: tuple, op: str, onnx_type: str, kind: str) -> None:
    x = randn(*shape, seed=2)
    ref = onnx_op(onnx_type, ["x"], {"x": x})
    assert_close(ir_op(op, ["x"], {"x": x}), ref, kind)
