"""Resize (nearest with every nearest_mode, linear; every coordinate transformation; scales and
sizes; up and down) vs onnxruntime."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from frontc.ir.ops.tensor import NEAREST_MODES
from tests.interpreter.onnx_single_op import assert_close, ir_op, onnx_op, randn

# coordinate transformation -> the opset to build the model in (tf_half_pixel_for_nn is only in
# Resize-11, half_pixel_symmetric only from Resize-19)
COORDINATES = {"half_pixel": 13, "asymmetric": 13, "align_corners": 13, "pytorch_half_pixel": 13,
               "tf_half_pixel_for_nn": 11, "half_pixel_symmetric": 19}

# (input shape, scales or sizes)
GEOMETRIES = {
    "up2": ((1, 2, 4, 5), {"scales": [1.0, 1.0, 2.0, 2.0]}),
    "up_fractional": ((2, 1, 5, 3), {"scales": [1.0, 1.0, 1.5, 2.7]}),
    "down": ((1, 2, 8, 12), {"scales": [1.0, 1.0, 0.5, 0.75]}),
    "up_and_down": ((1, 3, 6, 4), {"scales": [1.0, 1.0, 0.75, 3.0]}),
    "sizes_up": ((1, 2, 7, 5), {"sizes": [1, 2, 10, 13]}),
    "sizes_down": ((1, 2, 11, 9), {"sizes": [1, 2, 4, 3]}),
    "sizes_to_one": ((1, 2, 6, 5), {"sizes": [1, 2, 1, 8]}),
}


def _onnx_resize(x: np.ndarray, attrs: dict, opset: int, engine: str = "ort") -> list[np.ndarray]:
    """ONNX Resize with roi, scales and sizes as initializers (opset 11 needs all present)."""
    ints = {k: v for k, v in attrs.items() if k not in ("scales", "sizes")}
    consts = {"roi": np.array([0] * x.ndim + [1] * x.ndim, np.float32),
              "scales": np.array(attrs.get("scales", []), np.float32)}
    if "sizes" in attrs:
        consts["sizes"] = np.array(attrs["sizes"], np.int64)
    return onnx_op("Resize", ["x", *consts], {"x": x}, consts, opset=opset, engine=engine, **ints)


def _float32(scales: list[float]) -> list[float]:
    """What a frontend folds from a float32 scales tensor."""
    return np.array(scales, np.float32).tolist()


def _check(shape: tuple, geometry: dict, attrs: dict, kind: str, engine: str = "ort") -> None:
    x = randn(*shape, seed=3)
    attrs = {**attrs, **geometry}
    if "scales" in attrs:
        attrs["scales"] = _float32(attrs["scales"])
    ref = _onnx_resize(x, attrs, COORDINATES[attrs["coordinate_transformation_mode"]], engine)
    assert_close(ir_op("Resize", ["x"], {"x": x}, attrs=attrs), ref, kind)


# ORT evaluates the source coordinate in float32 and so moves picks that fall exactly on a tie.
# sizes 9 -> 3 (scale 1/3) with half_pixel_symmetric: the adjustment is 3 / (9 * 1/3) = 1, so the
# spec's coordinate is half_pixel's, 3x + 1, and floor picks columns [1, 4, 7]; ORT picks
# [0, 3, 7] here, yet [1, 4, 7] for half_pixel. The ONNX reference evaluator picks [1, 4, 7].
ORT_FLOAT32_TIES = {("half_pixel_symmetric", "floor", "sizes_down")}


@pytest.mark.parametrize("geometry", GEOMETRIES)
@pytest.mark.parametrize("coordinates,nearest_mode", itertools.product(COORDINATES, NEAREST_MODES))
def test_resize_nearest(coordinates: str, nearest_mode: str, geometry: str) -> None:
    shape, sizes = GEOMETRIES[geometry]
    engine = "reference" if (coordinates, nearest_mode, geometry) in ORT_FLOAT32_TIES else "ort"
    _check(shape, sizes, {"mode": "nearest", "coordinate_transformation_mode": coordinates,
                          "nearest_mode": nearest_mode}, "exact", engine)


# (coordinates, nearest_mode, input length, scale, the picks of the spec's formula in exact
# arithmetic on the float32 scale; s = float32(0.6) = 0.6000000238..). Every coordinate here lies
# within 1e-6 of a tie. ORT (float32 arithmetic) and the reference evaluator (float32 or float64,
# by operand) each round some of them the other way, so literals are the oracle; their picks are
# in the comments (the reference evaluator has no tf_half_pixel_for_nn).
TIES = [
    # (x + 0.5) / s - 0.5 = 0.33, 1.9999999, 3.67, 5.33, 6.9999997, 8.67; ORT [0, 2, 3, 5, 6, 8]
    ("half_pixel", "floor", 10, 0.6, [0, 1, 3, 5, 6, 8]),
    # x / s = 0, 1.67, 3.33, 4.9999998, 6.67, 8.33; ORT [0, 1, 3, 5, 6, 8]
    ("asymmetric", "floor", 10, 0.6, [0, 1, 3, 4, 6, 8]),
    # (x + 0.5) / s = 0.83, 2.4999999, 4.17, 5.83, 7.4999997, 9.17; ORT [1, 3, 4, 6, 8, 9]
    ("tf_half_pixel_for_nn", "round_prefer_ceil", 10, 0.6, [1, 2, 4, 6, 7, 9]),
    # offset 4.5 * (1 - 4 / 4.5) = 0.5, so 2x + 1 exactly; reference [0, 3, 5, 7] for floor,
    # float64 arithmetic (offset 0.5000000000000002) gives [2, 3, 5, 7] for ceil
    ("half_pixel_symmetric", "floor", 9, 0.5, [1, 3, 5, 7]),
    ("half_pixel_symmetric", "ceil", 9, 0.5, [1, 3, 5, 7]),
    # offset 5 * (1 - 6 / (10 s)) = 1.99e-7: 0.33, 2.0000001, 3.67, 5.33, 6.9999999, 8.67;
    # ORT [0, 1, 3, 5, 6, 8]
    ("half_pixel_symmetric", "floor", 10, 0.6, [0, 2, 3, 5, 6, 8]),
]


@pytest.mark.parametrize("coordinates,nearest_mode,size,scale,picks", TIES)
def test_resize_nearest_exact_ties(coordinates: str, nearest_mode: str, size: int, scale: float,
                                   picks: list[int]) -> None:
    x = np.arange(size, dtype=np.float32)
    attrs = {"mode": "nearest", "coordinate_transformation_mode": coordinates,
             "nearest_mode": nearest_mode, "scales": _float32([scale])}
    got = ir_op("Resize", ["x"], {"x": x}, attrs=attrs)
    assert_close(got, [np.array(picks, np.float32)], "exact")


@pytest.mark.parametrize("geometry", GEOMETRIES)
@pytest.mark.parametrize("coordinates", [c for c in COORDINATES if c != "tf_half_pixel_for_nn"])
def test_resize_linear(coordinates: str, geometry: str) -> None:
    shape, sizes = GEOMETRIES[geometry]
    _check(shape, sizes, {"mode": "linear", "coordinate_transformation_mode": coordinates}, "compute")


@pytest.mark.parametrize("mode", ["nearest", "linear"])
def test_resize_defaults(mode: str) -> None:
    """Default attributes (half_pixel, round_prefer_floor) on both sides."""
    x = randn(1, 1, 3, 4, seed=5)
    scales = np.array([1, 1, 2.5, 1.5], np.float32)
    ref = onnx_op("Resize", ["x", "", "scales"], {"x": x}, {"scales": scales}, mode=mode)
    got = ir_op("Resize", ["x"], {"x": x}, attrs={"mode": mode, "scales": scales.tolist()})
    assert_close(got, ref, "compute")


@pytest.mark.parametrize("mode", ["nearest", "linear"])
def test_resize_3d_and_2d(mode: str) -> None:
    """Resizing fewer axes than NCHW: (N, C, L) and a plain matrix."""
    for shape, scales in (((2, 3, 5), _float32([1.0, 1.0, 2.4])), ((4, 6), [1.5, 0.5])):
        x = randn(*shape, seed=6)
        ref = onnx_op("Resize", ["x", "", "scales"], {"x": x}, {"scales": np.array(scales, np.float32)},
                      mode=mode, coordinate_transformation_mode="asymmetric")
        got = ir_op("Resize", ["x"], {"x": x}, attrs={"mode": mode, "scales": scales,
                                                      "coordinate_transformation_mode": "asymmetric"})
        assert_close(got, ref, "compute")
