"""The rounding rule and fixed-point requantization against exact rational arithmetic."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from frontc.quant.fixed_point import (
    divide_round,
    joint_multipliers,
    multipliers,
    quantize_multiplier,
    requantize,
    round_half_up,
)


def _exact_round(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


@pytest.mark.parametrize("real", [0.5, 0.25, 2.0**-20, 3.0, 0.0123456789, 0.999999999, 1.0 - 2.0**-40])
def test_quantize_multiplier_is_within_its_precision(real: float) -> None:
    m, n = quantize_multiplier(real)
    assert m < 2**31
    assert abs(Fraction(m, 1) / Fraction(2) ** n - Fraction(real)) <= Fraction(real) * Fraction(1, 2**30)
    mantissa, _ = math.frexp(real)
    if mantissa == 0.5:
        assert m == 1  # a power of two is a pure shift


def test_requantize_rounds_half_up_like_exact_arithmetic() -> None:
    rng = np.random.default_rng(0)
    acc = rng.integers(-2**26, 2**26, 2000)
    acc[:4] = [-3, 3, -5, 5]  # ties with the shift of 1 below
    for real in (0.5, 0.00390625, 0.0123, 1.75, 3.0):
        rq = multipliers(real)
        got = requantize(acc, rq)
        m, n = rq["multiplier"], rq["shift"]
        want = [_exact_round(Fraction(int(a) * m) / Fraction(2) ** n) for a in acc]
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(requantize(np.array([-3, 3, -5, 5]), {"multiplier": 1, "shift": 1}),
                                  [-1, 2, -2, 3])


def test_per_channel_and_joint_requantization() -> None:
    rng = np.random.default_rng(1)
    acc, res = rng.integers(-2**20, 2**20, (2, 3, 4)), rng.integers(-127, 128, (2, 3, 4))
    reals = np.array([0.001, 0.02, 0.3])
    rq = multipliers(reals)
    got = requantize(acc, rq, axis=1)
    for c in range(3):
        np.testing.assert_array_equal(got[:, c], requantize(acc[:, c], multipliers(reals[c])))
    main, extra = joint_multipliers([reals, 0.7])
    assert np.array_equal(main["shift"], extra["shift"])
    got = requantize(acc, main, 1, [(res, extra)])
    for c in range(3):
        for a, r, g in zip(acc[:, c].ravel(), res[:, c].ravel(), got[:, c].ravel()):
            exact = Fraction(int(a)) * Fraction(reals[c]) + Fraction(int(r)) * Fraction(0.7)
            assert abs(g - exact) <= Fraction(1, 2) + abs(exact) * Fraction(1, 2**29)


def test_divide_round_and_round_half_up() -> None:
    num = np.arange(-20, 21)
    for den in (1, 2, 3, 4, 7):
        np.testing.assert_array_equal(divide_round(num, den), [_exact_round(Fraction(int(v), den)) for v in num])
    np.testing.assert_array_equal(round_half_up(np.array([-1.5, -0.5, 0.5, 1.5, 2.4999], np.float32)),
                                  [-1, 0, 1, 2, 2])
