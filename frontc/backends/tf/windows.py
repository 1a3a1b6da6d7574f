"""Geometry of window ops (conv, pooling) shared by their factories: strides, pads, TF 'same'."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from frontc.ir.ops.common import pads_for, spatial, window_out


def geometry(a: dict[str, Any], n: int) -> tuple[list[int], list[int], list[int]]:
    """(strides, dilations, pads) of a window op with ``n`` spatial axes, defaults filled in."""
    return (spatial(a["strides"], n, 1, "strides"), spatial(a.get("dilations", []), n, 1, "dilations"),
            pads_for(a["pads"], n))


def same_pads(sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
              dilations: Sequence[int]) -> list[int]:
    """The pads (begins, then ends) TF's padding='same' uses: the odd one goes at the end."""
    begins, ends = [], []
    for size, k, s, d in zip(sizes, kernel, strides, dilations):
        total = max((math.ceil(size / s) - 1) * s + d * (k - 1) + 1 - size, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
    return begins + ends


def ceil_extra(sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
               dilations: Sequence[int], pads: Sequence[int], ceil_mode: bool) -> list[int]:
    """End padding a pool needs beyond ``pads`` so that every (ceil mode) output window exists."""
    n = len(sizes)
    extra = []
    for i, size in enumerate(sizes):
        out = window_out(size, kernel[i], strides[i], pads[i], pads[n + i], dilations[i], ceil_mode)
        need = (out - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1
        extra.append(max(0, need - (size + pads[i] + pads[n + i])))
    return extra


def keras_padding(pads: Sequence[int]) -> Any:
    """IR pads as the ``padding``/``cropping`` argument of ZeroPaddingND/CroppingND."""
    n = len(pads) // 2
    pairs = tuple(zip(pads[:n], pads[n:]))
    return pairs[0] if n == 1 else pairs


def channels_last_pads(pads: Sequence[int]) -> list[int]:
    """Spatial IR pads as full pads (begins, then ends) of a channels-last tensor."""
    n = len(pads) // 2
    return [0, *pads[:n], 0, 0, *pads[n:], 0]
