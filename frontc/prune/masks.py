"""Magnitude masks (numpy): unstructured, N:M along input channels, blocks, whole output channels.

Weights are laid out output-channel first: Conv (O, I/groups, kh, kw), Dense (O, I). A mask is a
float32 array of the weight's shape holding 0 (pruned) or 1. Already pruned weights are zero, so
they rank lowest and a rising sparsity never revives them. Ties break by position (stable sort),
so a mask is a deterministic function of the weights.
"""
from __future__ import annotations

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.sparsity import Pattern, grouped, parse_pattern, ungrouped

__all__ = ["Pattern", "check_shape", "global_masks", "lamp_masks", "mask_for", "parse_pattern"]


def check_shape(name: str, shape: tuple[int, ...], pattern: Pattern) -> None:
    """OptionError naming the parameter when its shape cannot hold ``pattern``."""
    if len(shape) < 2:
        if pattern.kind != "unstructured":
            raise OptionError(f"'{name}' has shape {list(shape)}: pattern {pattern} needs an (out, in, ...) weight")
        return
    inputs = shape[1]
    if pattern.kind == "nm" and inputs % pattern.m:
        raise OptionError(f"'{name}' has {inputs} input channels, not divisible by M={pattern.m} of pattern "
                          f"{pattern}", hint="skip this layer (e.g. the first conv) or choose another pattern")
    if pattern.kind == "block" and (shape[0] % pattern.n or inputs % pattern.m):
        raise OptionError(f"'{name}' has shape {list(shape)}: {shape[0]} outputs x {inputs} inputs do not divide "
                          f"into {pattern.n}x{pattern.m} blocks", hint="skip this layer or choose another block")


def _keep_largest(scores: np.ndarray, prune: int) -> np.ndarray:
    """1 for all but the ``prune`` lowest scores of a flat array (stable by position)."""
    keep = np.ones(scores.size, dtype=np.float32)
    if prune > 0:
        keep[np.argsort(scores, kind="stable")[:prune]] = 0.0
    return keep


def mask_for(weight: np.ndarray, rate: float, pattern: Pattern) -> np.ndarray:
    """The mask pruning a share ``rate`` of ``weight`` by magnitude in ``pattern`` (layer-wise)."""
    weight = np.abs(np.asarray(weight, dtype=np.float32))
    if pattern.kind == "unstructured" or weight.ndim < 2:
        return _keep_largest(weight.ravel(), int(round(rate * weight.size))).reshape(weight.shape)
    if pattern.kind == "channel":
        scores = weight.reshape(weight.shape[0], -1).sum(axis=1)
        keep = _keep_largest(scores, int(round(rate * weight.shape[0])))
        return np.broadcast_to(keep.reshape((-1,) + (1,) * (weight.ndim - 1)), weight.shape).astype(np.float32)
    if pattern.kind == "nm":
        groups = grouped(weight, pattern.m)
        prune = int(round(rate * pattern.m))
        order = np.argsort(groups, axis=1, kind="stable")[:, :prune]
        keep = np.ones_like(groups)
        np.put_along_axis(keep, order, 0.0, axis=1)
        return ungrouped(keep, weight.shape)
    rows, cols = pattern.n, pattern.m  # blocks of rows outputs x cols inputs, at every kernel position
    o, i = weight.shape[:2]
    flat = weight.reshape(o, i, -1)
    blocks = flat.reshape(o // rows, rows, i // cols, cols, -1).sum(axis=(1, 3))  # (O/r, I/c, K)
    keep = _keep_largest(blocks.ravel(), int(round(rate * blocks.size))).reshape(blocks.shape)
    full = np.repeat(np.repeat(keep, rows, axis=0), cols, axis=1)
    return full.reshape(weight.shape).astype(np.float32)


def lamp_scores(weight: np.ndarray) -> np.ndarray:
    """LAMP scores (Lee et al., ICLR 2021) of one layer: w^2 over the sum of w'^2 for every w' ranked at or above
    w (ascending magnitude, ties by position); a layer's largest weight scores 1, a zero weight 0."""
    flat = np.square(np.asarray(weight, dtype=np.float64).ravel())
    order = np.argsort(flat, kind="stable")
    ranked = flat[order]
    tail = np.cumsum(ranked[::-1])[::-1]
    scores = np.empty_like(flat)
    scores[order] = np.divide(ranked, tail, out=np.zeros_like(ranked), where=tail > 0)
    return scores.reshape(np.shape(weight))


def _threshold_masks(scores: dict[str, np.ndarray], rate: float) -> dict[str, np.ndarray]:
    """Masks pruning the share ``rate`` of all weights with the lowest ``scores`` (one threshold)."""
    names = list(scores)
    flat = np.concatenate([scores[n].ravel() for n in names])
    keep = _keep_largest(flat, int(round(rate * flat.size)))
    out, start = {}, 0
    for name in names:
        size = scores[name].size
        out[name] = keep[start:start + size].reshape(scores[name].shape)
        start += size
    return out


def global_masks(weights: dict[str, np.ndarray], rate: float) -> dict[str, np.ndarray]:
    """Unstructured masks pruning a share ``rate`` of all ``weights`` together, by one magnitude threshold."""
    return _threshold_masks({n: np.abs(np.asarray(w, dtype=np.float32)) for n, w in weights.items()}, rate)


def lamp_masks(weights: dict[str, np.ndarray], rate: float) -> dict[str, np.ndarray]:
    """Unstructured masks pruning a share ``rate`` of all ``weights`` together by one threshold on LAMP scores:
    magnitude pruning whose per-layer shares adapt to each layer's weight distribution, never emptying a layer."""
    return _threshold_masks({n: lamp_scores(w) for n, w in weights.items()}, rate)
