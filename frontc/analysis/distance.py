"""How far apart two outputs are: max/mean abs error, relative errors, cosine, top-k agreement."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Distance:
    """Distances of ``actual`` from ``reference`` (float64 arithmetic)."""

    max_abs: float
    mean_abs: float
    max_ref: float
    rel_max: float  # max_abs / max|reference|
    rel_l2: float  # ||a - r|| / ||r||
    cosine: float
    top1: float | None  # share of rows whose argmax agrees (classifier outputs only)
    top5: float | None

    def within(self, rel_tol: float) -> bool:
        """True when max|diff| <= rel_tol * max|reference| and top-1 agrees everywhere."""
        return self.max_abs <= rel_tol * self.max_ref and self.top1 in (None, 1.0)

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)

    def __str__(self) -> str:
        text = (f"max_abs={self.max_abs:.3e} mean_abs={self.mean_abs:.3e} rel_max={self.rel_max:.3e} "
                f"rel_l2={self.rel_l2:.3e} cosine={self.cosine:.8f}")
        if self.top1 is not None:
            text += f" top1={self.top1:.3f} top5={self.top5:.3f}"
        return text


def _topk_agreement(actual: np.ndarray, reference: np.ndarray, k: int) -> float:
    """Share of rows whose top-1 reference class is in the actual top-k (k=1: argmax equal)."""
    ref_top = reference.argmax(axis=-1)
    top = np.argsort(-actual, axis=-1, kind="stable")[..., :k]
    return float(np.mean(np.any(top == ref_top[..., None], axis=-1)))


def distance(actual: np.ndarray, reference: np.ndarray, *, classifier: bool | None = None) -> Distance:
    """Compare two arrays of the same shape; ``classifier`` adds top-k (default: outputs of shape
    (N, C) or (N, C, 1, ...), with C > 1)."""
    a = np.asarray(actual, dtype=np.float64)
    r = np.asarray(reference, dtype=np.float64)
    if a.shape != r.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {r.shape}")
    diff = np.abs(a - r)
    max_ref = float(np.abs(r).max()) if r.size else 0.0
    norm_r, norm_a = float(np.linalg.norm(r)), float(np.linalg.norm(a))
    cosine = float(np.dot(a.ravel(), r.ravel()) / (norm_a * norm_r)) if norm_a and norm_r else \
        float(norm_a == norm_r)
    if classifier is None:
        classifier = a.ndim >= 2 and a.shape[1] > 1 and all(d == 1 for d in a.shape[2:])
    top1 = top5 = None
    if classifier:
        a, r = a.reshape(a.shape[0], -1), r.reshape(r.shape[0], -1)
        top1 = _topk_agreement(a, r, 1)
        top5 = _topk_agreement(a, r, min(5, a.shape[-1]))
    max_abs = float(diff.max()) if diff.size else 0.0
    return Distance(max_abs, float(diff.mean()) if diff.size else 0.0, max_ref,
                    max_abs / max_ref if max_ref else max_abs,
                    float(np.linalg.norm(a - r) / norm_r) if norm_r else float(np.linalg.norm(a - r)),
                    cosine, top1, top5)
