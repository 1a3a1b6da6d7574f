"""Strategy formulas, checked against torch's fake-quantization ops (an independent oracle)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from frontc.ir.errors import OptionError
from frontc.quant import strategies
from frontc.quant.quantize import fake_quantize


def test_symmetric_scale_shift_and_affine_formulas() -> None:
    tq = strategies.activation("symmetry_max", {"min": -3.0, "max": 1.0}, 8)
    assert (tq.scale, tq.zero_point, tq.qmin, tq.qmax) == (float(np.float32(3 / 127)), 0, -127, 127)
    tq = strategies.activation("symmetry_max", {"min": -3.0, "max": 1.0, "threshold": 2.0}, 8)
    assert tq.scale == float(np.float32(2 / 127))
    tq = strategies.activation("scale_shift_t", {"min": -3.0, "max": 1.0}, 8)
    assert tq.scale == 2.0**-5  # 3 / 127 = 0.0236 -> 2**ceil(log2) = 1/32
    tq = strategies.activation("minmax", {"min": -1.0, "max": 3.0}, 8)
    assert (tq.qmin, tq.qmax, tq.signed) == (0, 255, False)
    assert tq.scale == float(np.float32(4 / 255)) and tq.zero_point == 64  # round(1 / (4/255)) = 63.75 -> 64
    tq = strategies.activation("symmetry_max", {"min": 0.0, "max": 0.0}, 16)
    assert tq.scale > 0 and tq.qmax == 32767


@pytest.mark.parametrize("strategy", ["minmax", "symmetry_max", "scale_shift"])
@pytest.mark.parametrize("bits", [2, 4, 8, 16])
def test_weight_fake_quant_matches_torch(strategy: str, bits: int) -> None:
    w = np.random.default_rng(bits).standard_normal((6, 3, 3, 3)).astype(np.float32)
    w[2] = 0  # an all-zero channel
    for axis in (None, 0):
        tq = strategies.weight(strategy, w, bits, axis)
        got = fake_quantize(w, tq)
        t = torch.from_numpy(w)
        if axis is None:
            want = torch.fake_quantize_per_tensor_affine(t, tq.scale, int(tq.zero_point), tq.qmin, tq.qmax)
        else:
            want = torch.fake_quantize_per_channel_affine(
                t, torch.tensor(tq.scale, dtype=torch.float32), torch.tensor(tq.zero_point, dtype=torch.int32),
                axis, tq.qmin, tq.qmax)
        # torch rounds x * (1 / s) half to even, we round x / s half up: codes may differ only where
        # x / s lies within float32 rounding of a .5 boundary
        scale = tq.broadcast(np.asarray(tq.scale, np.float64), w.ndim)
        ratio = w.astype(np.float64) / scale
        differ = got != want.numpy()
        near_tie = np.abs(ratio - np.floor(ratio) - 0.5) <= 4 * np.finfo(np.float32).eps * np.maximum(np.abs(ratio), 1)
        assert np.all(near_tie[differ]) and differ.mean() < 0.01
        assert np.all(np.abs(got - want.numpy()) <= scale + 4 * np.finfo(np.float32).eps * np.abs(w))
        assert np.all(np.abs(got - w) <= np.max(tq.scale) / 2 + 1e-7)


def test_bad_options_name_the_option() -> None:
    with pytest.raises(OptionError, match="unknown quantization strategy 'fancy'"):
        strategies.check_options("fancy", "perlayer", 8, 8)
    with pytest.raises(OptionError, match="unknown weight_quan 'pergroup'"):
        strategies.check_options("minmax", "pergroup", 8, 8)
    with pytest.raises(OptionError, match="weight_bits 1"):
        strategies.check_options("minmax", "perlayer", 1, 8)
    with pytest.raises(OptionError, match="act_bits 4"):
        strategies.check_options("minmax", "perlayer", 8, 4)
    with pytest.raises(OptionError, match="not finite"):
        strategies.activation("symmetry_max", {"min": -np.inf, "max": 1.0}, 8)
