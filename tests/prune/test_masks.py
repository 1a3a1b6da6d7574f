"""Mask patterns against brute-force oracles, and the schedule's update points and rates."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from frontc.ir.errors import OptionError
from frontc.ir.sparsity import violation
from frontc.prune.masks import check_shape, global_masks, lamp_masks, lamp_scores, mask_for, parse_pattern
from frontc.prune.schedule import check_steps, progress, sparsity_at

RNG = np.random.default_rng(0)
W = RNG.normal(size=(8, 16, 3, 3)).astype(np.float32)


def test_unstructured_prunes_exactly_the_smallest() -> None:
    mask = mask_for(W, 0.9, parse_pattern("unstructured"))
    assert int(mask.sum()) == W.size - round(0.9 * W.size)
    assert np.abs(W[mask == 0]).max() <= np.abs(W[mask == 1]).min()


@pytest.mark.parametrize("text", ["2:4", "4:8", "1:4"])
def test_n_m_along_input_channels(text: str) -> None:
    pattern = parse_pattern(text)
    mask = mask_for(W, pattern.fixed_rate, pattern)
    for o, kh, kw in itertools.product(range(8), range(3), range(3)):
        for start in range(0, 16, pattern.m):
            group = slice(start, start + pattern.m)
            kept = mask[o, group, kh, kw]
            assert kept.sum() == pattern.n
            values = np.abs(W[o, group, kh, kw])
            assert values[kept == 1].min() >= values[kept == 0].max()
    assert violation(W * mask, pattern, pattern.fixed_rate) is None
    assert "groups of" in violation(W, pattern, pattern.fixed_rate)
    half = mask_for(W, 0.25, parse_pattern("2:4"))   # a schedule's intermediate step: 1 of every 4
    assert (half.reshape(8, 4, 4, 9).sum(axis=2) == 3).all()


def test_blocks_and_channels() -> None:
    mask = mask_for(W, 0.5, parse_pattern("block1x4"))
    blocks = mask.reshape(8, 4, 4, 9)
    assert (blocks.min(axis=2) == blocks.max(axis=2)).all()   # each 1x4 block all kept or all pruned
    assert int((blocks.max(axis=2) == 0).sum()) == 8 * 4 * 9 // 2
    mask = mask_for(W, 0.25, parse_pattern("channel"))
    l1 = np.abs(W).reshape(8, -1).sum(axis=1)
    pruned = sorted(np.argsort(l1)[:2])
    assert [o for o in range(8) if mask[o].max() == 0] == pruned
    assert all(mask[o].min() == 1 for o in range(8) if o not in pruned)


def test_global_threshold() -> None:
    weights = {"a": W, "b": 3 * RNG.normal(size=(10, 20)).astype(np.float32)}
    masks = global_masks(weights, 0.8)
    total = W.size + 200
    assert sum(int(m.sum()) for m in masks.values()) == total - round(0.8 * total)
    kept = np.concatenate([np.abs(weights[n])[masks[n] == 1] for n in weights])
    pruned = np.concatenate([np.abs(weights[n])[masks[n] == 0] for n in weights])
    assert pruned.max() <= kept.min()
    assert masks["a"].mean() < masks["b"].mean()   # the larger weights keep more


def test_lamp_scores_against_their_definition() -> None:
    w = RNG.normal(size=(4, 6)).astype(np.float32)
    w[0, :2] = 0.0   # pruned weights score 0
    flat = w.ravel().astype(np.float64)
    expected = [0.0 if x == 0 else x * x / sum(y * y for y in flat if abs(y) >= abs(x)) for x in flat]
    np.testing.assert_allclose(lamp_scores(w).ravel(), expected, rtol=1e-12)
    assert lamp_scores(w).max() == 1.0 and lamp_scores(np.zeros((2, 2))).max() == 0.0


def test_lamp_adapts_the_layer_shares() -> None:
    big = RNG.normal(size=(64, 200)).astype(np.float32)       # magnitudes alone would prune "small" entirely
    small = 0.01 * RNG.normal(size=(8, 4, 3, 3)).astype(np.float32)
    weights = {"big": big, "small": small}
    total = big.size + small.size
    assert global_masks(weights, 0.9)["small"].sum() == 0
    masks = lamp_masks(weights, 0.9)
    assert sum(int(m.sum()) for m in masks.values()) == total - round(0.9 * total)
    assert 0 < masks["small"].mean() < 1 and masks["big"].mean() < 1
    scores = {n: lamp_scores(w) for n, w in weights.items()}
    kept = np.concatenate([scores[n][masks[n] == 1] for n in weights])
    pruned = np.concatenate([scores[n][masks[n] == 0] for n in weights])
    assert pruned.max() <= kept.min()   # one threshold on the scores
    for name, w in weights.items():     # inside a layer it is plain magnitude pruning
        assert np.abs(w[masks[name] == 0]).max() <= np.abs(w[masks[name] == 1]).min()
    assert lamp_masks({"one": RNG.normal(size=(6, 6))}, 0.97)["one"].sum() == 1   # a layer is never emptied


def test_rising_rates_never_revive() -> None:
    w = W.copy()
    previous = np.ones_like(w)
    for rate in (0.3, 0.6, 0.9):
        mask = mask_for(w, rate, parse_pattern("unstructured"))
        assert (mask <= previous).all()
        w, previous = w * mask, mask


def test_schedule_points_and_rates() -> None:
    points = {s: progress(s, 2, 6, 2) for s in range(12)}
    assert {s: p for s, p in points.items() if p is not None} == {2: 1 / 3, 4: 2 / 3, 6: 1.0}
    assert progress(7, 0, 7, 3) is None and progress(6, 0, 7, 3) == 1.0   # ceil(7/3) = 3 updates
    assert sparsity_at(0.9, 1 / 3, "constant") == 0.9
    assert sparsity_at(0.9, 1 / 3, "linear") == pytest.approx(0.3)
    assert sparsity_at(0.9, 1 / 3, "polynomial") == pytest.approx(0.9 * (1 - (2 / 3) ** 3))
    assert sparsity_at(0.9, 1.0, "polynomial") == pytest.approx(0.9)


@pytest.mark.parametrize("args, message", [
    ((0, 10, 0, "linear"), "frequency=0"),
    ((0, 5, 10, "linear"), "sparse_step=5 is smaller than frequency=10"),
    ((0, 10, 2, "cubic"), "schedule='cubic': unknown"),
    ((-1, 10, 2, "linear"), "pretrain_step=-1"),
    ((0, 10.0, 2, "linear"), "sparse_step=10.0"),
])
def test_step_errors_name_the_parameter(args, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        check_steps(*args)


def test_pattern_errors() -> None:
    with pytest.raises(OptionError, match="pattern='3:2'"):
        parse_pattern("3:2")
    with pytest.raises(OptionError, match="'conv1.weight' has 3 input channels, not divisible by M=4"):
        check_shape("conv1.weight", (16, 3, 3, 3), parse_pattern("2:4"))
    with pytest.raises(OptionError, match="do not divide into 1x4 blocks"):
        check_shape("fc.weight", (10, 6), parse_pattern("block1x4"))
