"""Resize rebuilt in torch (nn.Upsample where it samples alike, else gathers) vs the interpreter."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from torch import nn

from frontc.backends.torch import run_torch
from frontc.backends.torch.layers.resize import Resample
from frontc.ir.ops.tensor import NEAREST_MODES
from tests.backends.torch.util import check_op, layer_of
from tests.interpreter.onnx_single_op import randn
from tests.interpreter.test_resize_kernels import COORDINATES, GEOMETRIES, TIES, _float32


def _resize(shape: tuple, attrs: dict, kind: str) -> nn.Module:
    if "scales" in attrs:
        attrs = {**attrs, "scales": _float32(attrs["scales"])}
    return layer_of(check_op("Resize", ["x"], {"x": randn(*shape, seed=3)}, attrs=attrs, kind=kind))


@pytest.mark.parametrize("geometry", GEOMETRIES)
@pytest.mark.parametrize("coordinates,nearest_mode", itertools.product(COORDINATES, NEAREST_MODES))
def test_resize_nearest(coordinates: str, nearest_mode: str, geometry: str) -> None:
    shape, sizes = GEOMETRIES[geometry]
    attrs = {"mode": "nearest", "coordinate_transformation_mode": coordinates, "nearest_mode": nearest_mode}
    _resize(shape, {**attrs, **sizes}, "exact")


@pytest.mark.parametrize("geometry", GEOMETRIES)
@pytest.mark.parametrize("coordinates", [c for c in COORDINATES if c != "tf_half_pixel_for_nn"])
def test_resize_linear(coordinates: str, geometry: str) -> None:
    shape, sizes = GEOMETRIES[geometry]
    _resize(shape, {"mode": "linear", "coordinate_transformation_mode": coordinates, **sizes}, "compute")


# (mode, coordinates, nearest_mode) -> the torch mode it must map to, at scales where torch's
# modes sample differently (at 2x, 'nearest' and 'nearest-exact' pick alike)
NATIVE = [("nearest", "asymmetric", "floor", "nearest"),
          ("nearest", "half_pixel", "round_prefer_ceil", "nearest-exact"),
          ("nearest", "tf_half_pixel_for_nn", "floor", "nearest-exact"),
          ("linear", "pytorch_half_pixel", "floor", "bilinear"),
          ("linear", "half_pixel", "floor", "bilinear"),
          ("linear", "align_corners", "floor", "bilinear")]


@pytest.mark.parametrize("scales", [[1.0, 1.0, 0.5, 0.75], [1.0, 1.0, 1.5, 2.7]], ids=str)
@pytest.mark.parametrize("mode,coordinates,nearest_mode,torch_mode", NATIVE)
def test_resize_native(mode: str, coordinates: str, nearest_mode: str, torch_mode: str, scales: list) -> None:
    attrs = {"mode": mode, "coordinate_transformation_mode": coordinates, "nearest_mode": nearest_mode,
             "scales": scales}
    layer = _resize((1, 2, 5, 3), attrs, "compute")
    assert isinstance(layer, nn.Upsample) and layer.mode == torch_mode
    assert layer.align_corners == (True if coordinates == "align_corners" else None if mode == "nearest" else False)


@pytest.mark.parametrize("coordinates,nearest_mode", [("half_pixel", "round_prefer_floor"), ("asymmetric", "ceil"),
                                                      ("half_pixel_symmetric", "floor")])
def test_resize_without_torch_mode(coordinates: str, nearest_mode: str) -> None:
    """Picks no torch mode makes (fractional scales) become gathers with constant indices."""
    attrs = {"mode": "nearest", "coordinate_transformation_mode": coordinates, "nearest_mode": nearest_mode,
             "scales": [1.0, 1.0, 1.5, 2.7]}
    layer = _resize((2, 1, 5, 3), attrs, "exact")
    assert isinstance(layer, Resample) and layer.axes == [2, 3]


@pytest.mark.parametrize("coordinates,nearest_mode,size,scale,picks", TIES)
def test_resize_nearest_exact_ties(coordinates: str, nearest_mode: str, size: int, scale: float,
                                   picks: list[int]) -> None:
    """Picks on exact ties follow the spec's exact arithmetic, as the interpreter's do."""
    x = np.arange(size, dtype=np.float32).reshape(1, 1, size)
    attrs = {"mode": "nearest", "coordinate_transformation_mode": coordinates, "nearest_mode": nearest_mode,
             "scales": [1.0, 1.0, *_float32([scale])]}
    module = check_op("Resize", ["x"], {"x": x}, attrs=attrs)
    assert run_torch(module, {"x": x})["y"].reshape(-1).tolist() == picks


@pytest.mark.parametrize("mode", ["nearest", "linear"])
@pytest.mark.parametrize("shape,scales", [((4, 6), [1.5, 0.5]),
                                          ((2, 3, 4, 4), [2.0, 1.0, 1.0, 0.5]),
                                          ((1, 2, 2, 3, 4, 2), [1.0, 1.0, 1.0, 2.0, 1.0, 1.5])])
def test_resize_other_axes(mode: str, shape: tuple, scales: list) -> None:
    """Resizing N or C, a matrix, or a rank-6 tensor: no torch mode, gathers."""
    attrs = {"mode": mode, "scales": _float32(scales), "coordinate_transformation_mode": "asymmetric"}
    assert isinstance(_resize(shape, attrs, "compute"), Resample)
