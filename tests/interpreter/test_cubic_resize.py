"""Cubic Resize (ONNX Runtime is the oracle) and its torch and Keras reconstructions."""
from __future__ import annotations

import pytest

from tests.backends.torch.util import check_op
from tests.interpreter.onnx_single_op import assert_close, ir_op, onnx_op, randn

CASES = [({"coordinate_transformation_mode": "half_pixel"}, [1.0, 1.0, 2.0, 1.5]),
         ({"coordinate_transformation_mode": "align_corners"}, [1.0, 1.0, 1.75, 0.6]),
         ({"coordinate_transformation_mode": "asymmetric", "cubic_coeff_a": -0.5}, [1.0, 1.0, 2.0, 2.0]),
         ({"coordinate_transformation_mode": "pytorch_half_pixel", "exclude_outside": 1}, [1.0, 1.0, 0.5, 1.25]),
         ({"coordinate_transformation_mode": "half_pixel", "exclude_outside": 1, "cubic_coeff_a": -0.5},
          [1.0, 1.0, 1.5, 3.0])]


@pytest.mark.parametrize("attrs,scales", CASES)
def test_cubic_matches_onnxruntime(attrs: dict, scales: list) -> None:
    import numpy as np

    x = randn(2, 3, 6, 5)
    ref = onnx_op("Resize", ["x", "", "s"], {"x": x}, {"s": np.array(scales, np.float32)}, opset=13,
                  mode="cubic", **attrs)
    got = ir_op("Resize", ["x"], {"x": x}, attrs={"mode": "cubic", "scales": scales, **attrs})
    assert_close(got, ref, "compute")


@pytest.mark.parametrize("attrs,scales", CASES[:2])
def test_cubic_reconstructions(attrs: dict, scales: list) -> None:
    from tests.backends.tf.util import check, single

    full = {"mode": "cubic", "scales": scales, **attrs}
    check_op("Resize", ["x"], {"x": randn(2, 3, 6, 5)}, {}, full, "compute")
    for channels_last_io in (False, True):
        check(single("Resize", [(2, 3, 6, 5)], full), linear=True, channels_last_io=channels_last_io)
