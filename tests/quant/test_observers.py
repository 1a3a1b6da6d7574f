"""Observers: exact mergeable statistics and the thresholds of minmax, percentile, kl and mse."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.ir.errors import ExecutionError, OptionError
from frontc.quant.observers import BINS, TensorStats, kl_threshold


def _values(seed: int = 0, n: int = 200_000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.laplace(0, 1, n), rng.normal(0, 8, n // 1000)]).astype(np.float32)


def _stats(chunks) -> TensorStats:
    stats = TensorStats("t")
    for chunk in chunks:
        stats.update(chunk)
    return stats


def test_histogram_is_exact_whatever_order_and_split():
    x = _values()
    whole = _stats([x])
    rng = np.random.default_rng(1)
    shuffled = x[rng.permutation(x.size)]
    # small values first, so the range doubles many times on the way
    ascending = x[np.argsort(np.abs(x))]
    for chunks in (np.array_split(shuffled, 37), np.array_split(ascending, 5), [x[:1], x[1:]]):
        other = _stats(chunks)
        assert (other.min, other.max, other.exponent, other.count) == (whole.min, whole.max, whole.exponent, x.size)
        np.testing.assert_array_equal(other.hist, whole.hist)
    # the oracle: every value in bin floor(|x| * BINS / 2**exponent)
    expected = np.bincount(np.floor(np.abs(x.astype(np.float64)) * BINS / 2.0 ** whole.exponent).astype(int),
                           minlength=BINS)
    np.testing.assert_array_equal(whole.hist, expected)
    assert 2.0 ** (whole.exponent - 1) <= np.abs(x).max() < 2.0 ** whole.exponent


def test_merge_equals_update():
    x = _values()
    parts = [_stats([part]) for part in np.array_split(x[::-1], 4)]
    merged = TensorStats("t")
    for part in parts[::-1]:
        merged.merge(part)
    whole = _stats([x])
    np.testing.assert_array_equal(merged.hist, whole.hist)
    assert (merged.min, merged.max, merged.count) == (whole.min, whole.max, whole.count)
    zeros = _stats([np.zeros(10, np.float32)])
    zeros.merge(whole)
    assert zeros.hist[0] == whole.hist[0] + 10


def test_minmax_and_percentile_thresholds():
    x = _values()
    stats = _stats([x])
    assert stats.threshold("minmax") == float(np.abs(x).max())
    width = 2.0 ** stats.exponent / BINS
    for p in (99.0, 99.9, 99.99):
        got = stats.threshold("percentile", percentile=p)
        exact = np.quantile(np.abs(x).astype(np.float64), p / 100, method="inverted_cdf")
        assert exact <= got <= exact + width


def _kl_reference(hist: np.ndarray) -> int:
    """TensorRT's entropy calibration as NVIDIA's pytorch-quantization writes it (digitize over a
    linspace, Python loops): the number of bins kept."""
    from collections import Counter

    from scipy.stats import entropy

    hist = hist.copy()
    hist[0] = hist[1]
    divergences, arguments = [], []
    for i in range(128, len(hist) + 1):
        space = np.linspace(0, i, num=129)
        digitized = np.digitize(range(i), space) - 1
        digitized[hist[:i] == 0] = -1
        density = np.zeros(128)
        for idx, d in enumerate(digitized):
            if d != -1:
                density[d] += hist[idx]
        for key, val in Counter(digitized).items():
            if key != -1:
                density[key] /= val
        q = np.array([density[d] if d != -1 else 0.0 for d in digitized])
        p = hist[:i].astype(np.float64).copy()
        p[-1] += hist[i:].sum()
        divergences.append(entropy(p, q))
        arguments.append(i)
    divergences = np.array(divergences)
    return arguments[len(divergences) - 1 - int(np.argmin(divergences[::-1]))]


def test_kl_threshold_matches_the_reference_loop():
    rng = np.random.default_rng(2)
    hist = np.zeros(BINS, np.int64)
    hist[:600] = np.round(1e5 * np.exp(-np.arange(600) / 150.0) * rng.uniform(0.5, 1.5, 600))
    hist[0] = 10**6  # a ReLU's spike at zero
    hist[300:600:7] = 0
    edges = np.arange(BINS + 1) * 0.01
    got = kl_threshold(hist, edges, absmax=6.0)
    assert got == pytest.approx(_kl_reference(hist[:600]) * 0.01, rel=1e-12)


def test_kl_clips_outliers_of_a_relu_output():
    x = np.maximum(_values(2, 20_000), 0)
    got = _stats([x]).threshold("kl")
    assert 0 < got < float(x.max())


def test_mse_threshold_is_near_the_brute_force_best():
    x = _values(3, 50_000)
    stats = _stats([x])
    got = stats.threshold("mse", bits=8)

    def mse(t: float) -> float:
        scale = t / 127
        q = np.clip(np.round(x / scale), -127, 127) * scale
        return float(np.mean((q - x) ** 2))

    candidates = np.linspace(0.05, 1.0, 400) * np.abs(x).max()
    best = min(mse(t) for t in candidates)
    assert mse(got) <= best * 1.02
    assert got < float(np.abs(x).max())


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_name_the_tensor(bad):
    stats = TensorStats("conv1_out")
    with pytest.raises(ExecutionError, match="tensor 'conv1_out' holds NaN or infinite"):
        stats.update(np.array([1.0, bad], np.float32))


def test_no_data_names_the_tensor():
    with pytest.raises(ExecutionError, match="tensor 'fc_out' saw no data"):
        TensorStats("fc_out").threshold("kl")
    with pytest.raises(OptionError, match="unknown observer 'entropy'"):
        _stats([_values()]).threshold("entropy")
    with pytest.raises(OptionError, match="percentile 0"):
        _stats([_values()]).threshold("percentile", percentile=0)


def test_all_zero_tensor():
    stats = _stats([np.zeros(100, np.float32)])
    assert all(stats.threshold(o) == 0.0 for o in ("minmax", "percentile", "kl", "mse"))


@pytest.mark.parametrize("compiled", [True, False])
def test_the_scan_counts_like_the_oracle(monkeypatch, compiled):
    from frontc.quant import fasthist

    assert fasthist._load() is not None  # gcc is part of the set-up
    if not compiled:
        monkeypatch.setattr(fasthist, "_LIB", [None])
    # odd sizes (not a multiple of the lanes or the C block), both signs, -0.0, a subnormal, runs of zeros
    x = np.concatenate([_values(4, 9_001), [0.0, -0.0, 1e-30, 1e-45, -3.0], np.zeros(5003)]).astype(np.float32)
    scale = np.float32(2.0 ** (16 - np.frexp(np.abs(x).max())[1]))
    hist = np.zeros(BINS, np.int64)
    low, high, counted = fasthist.scan(x, hist, scale)
    assert counted and (low, high) == (float(x.min()), float(x.max()))
    expected = np.bincount(np.floor(np.abs(x.astype(np.float64)) * float(scale)).astype(int), minlength=BINS)
    np.testing.assert_array_equal(hist, expected)
    # a value beyond the bins, NaN or infinity anywhere: nothing counted, min/max tell which
    for bad in (np.inf, -np.inf, np.nan, 2.0 * np.abs(x).max()):
        for where in (0, 7, x.size // 2, x.size - 1):
            y = x.copy()
            y[where] = bad
            before = hist.copy()
            low, high, counted = fasthist.scan(y, hist, scale)
            assert not counted and (np.isnan(bad) or (low, high) == (float(y.min()), float(y.max())))
            assert np.isnan(bad) == (np.isnan(low) or np.isnan(high))
            np.testing.assert_array_equal(hist, before)


def test_negative_zero_is_stored_as_zero():
    stats = _stats([np.float32([-0.0, 0.0, -0.0])])
    assert (np.copysign(1.0, stats.min), np.copysign(1.0, stats.max)) == (1.0, 1.0)


def _share_above(x: np.ndarray, threshold: float) -> float:
    return float(np.mean(np.abs(x) > threshold))


def test_kl_does_not_clip_a_tail_behind_point_masses():
    # a ReLU over images with constant backgrounds (as the Fashion-MNIST CNN's first layer): zeros, one
    # value per channel where the input is flat, and the garments' features as a continuous tail;
    # and a pixel input: 256 levels, half of them the background (its smallest value)
    rng = np.random.default_rng(6)
    backgrounds = rng.uniform(0.05, 0.55, 32)
    relu = np.concatenate([np.zeros(480_000), rng.choice(backgrounds, 350_000), rng.uniform(0, 0.6, 70_000),
                           0.6 + rng.exponential(0.55, 100_000)]).astype(np.float32)
    pixels = np.concatenate([np.zeros(500_000), rng.integers(1, 256, 500_000)]) / 255.0
    image = ((pixels - 0.286) / 0.353).astype(np.float32)
    for x in (relu, image):
        stats = _stats([x])
        # TensorRT's rule alone clips a large share: each point mass alone in a level makes Q equal P
        assert _share_above(x, kl_threshold(stats.hist, stats.edges(), stats.absmax)) > 0.05
        kl = stats.threshold("kl")
        assert _share_above(x, kl) <= 0.001 and kl >= stats.threshold("percentile", percentile=99.9)
