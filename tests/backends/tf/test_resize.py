"""Resize in every coordinate_transformation_mode and nearest_mode, up and down, by scales and
sizes, against the interpreter; and which native layer each exact case uses."""
from __future__ import annotations

import pytest

from frontc.backends.tf import to_keras
from frontc.ir.ops.tensor import NEAREST_MODES, RESIZE_COORDINATES
from tests.backends.tf.util import check, layer_classes, single

X = (1, 2, 5, 6)
SIZES = {
    "x2": {"scales": [1.0, 1.0, 2.0, 2.0]},
    "x1.5_x3": {"scales": [1.0, 1.0, 1.5, 3.0]},
    "down": {"scales": [1.0, 1.0, 0.6, 0.5]},
    "sizes": {"sizes": [1, 2, 7, 4]},
}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("nearest_mode", NEAREST_MODES)
@pytest.mark.parametrize("coordinates", RESIZE_COORDINATES)
def test_nearest(coordinates, nearest_mode, size):
    attrs = {"mode": "nearest", "coordinate_transformation_mode": coordinates,
             "nearest_mode": nearest_mode, **SIZES[size]}
    check(single("Resize", [X], attrs))


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("coordinates", RESIZE_COORDINATES)
@pytest.mark.parametrize("channels_last_io", [False, True])
def test_linear(coordinates, size, channels_last_io):
    attrs = {"mode": "linear", "coordinate_transformation_mode": coordinates, **SIZES[size]}
    check(single("Resize", [X], attrs), channels_last_io=channels_last_io)


@pytest.mark.parametrize("mode", ["nearest", "linear"])
@pytest.mark.parametrize("shape,attrs", [
    ((1, 3, 4, 4), {"scales": [1.0, 2.0, 1.0, 1.5]}),
    ((2, 3, 5), {"sizes": [2, 3, 9]}),
    ((2, 3, 4, 4), {"sizes": [1, 3, 8, 8]}),
], ids=["channels", "3d", "batch"])
def test_other_axes(mode, shape, attrs):
    check(single("Resize", [shape], {"mode": mode, **attrs}))


@pytest.mark.parametrize("attrs,layer", [
    ({"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"},
     "UpSampling2D"),
    ({"mode": "nearest"}, "UpSampling2D"),
    ({"mode": "linear"}, "Resizing"),
    ({"mode": "linear", "coordinate_transformation_mode": "pytorch_half_pixel"}, "Resizing"),
    ({"mode": "linear", "coordinate_transformation_mode": "align_corners"}, "ResizeBilinear"),
    ({"mode": "linear", "coordinate_transformation_mode": "asymmetric"}, "ResizeBilinear"),
    ({"mode": "linear", "coordinate_transformation_mode": "half_pixel_symmetric"}, "ResizeGather"),
    ({"mode": "nearest", "coordinate_transformation_mode": "align_corners"}, "UpSampling2D"),
    ({"mode": "nearest", "coordinate_transformation_mode": "tf_half_pixel_for_nn", "nearest_mode": "ceil"},
     "ResizeGather"),
])
def test_native_layer_choice(attrs, layer):
    assert layer in layer_classes(to_keras(single("Resize", [X], {"scales": [1.0, 1.0, 2.0, 2.0], **attrs})))
