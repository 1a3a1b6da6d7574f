"""Rows of boxes for NMS tests: (id, score, 4 coords) on a half-unit grid with scores in tenths and
ids in -1..2, so that equal scores, equal IoUs and ignored (-1) ids are common."""
from __future__ import annotations

import numpy as np


def tie_boxes(count: int, fmt: str = "corner", seed: int = 0, batch: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ids = rng.integers(-1, 3, (batch, count, 1))
    scores = np.round(rng.uniform(0, 1, (batch, count, 1)), 1)
    xy, wh = rng.uniform(0, 10, (batch, count, 2)), rng.uniform(-1, 6, (batch, count, 2))
    coords = np.round(np.concatenate([xy, xy + wh] if fmt == "corner" else [xy, wh], -1) * 2) / 2
    return np.concatenate([ids, scores, coords], -1).astype(np.float32)
