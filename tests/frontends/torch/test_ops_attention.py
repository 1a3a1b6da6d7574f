"""F.scaled_dot_product_attention (masks, causal, scale) and nn.MultiheadAttention against PyTorch."""
from __future__ import annotations

import pytest
import torch

from tests.frontends.torch.helpers import REL_TOL, Fn, convert_and_compare, ops_of, randn

F = torch.nn.functional


@pytest.mark.parametrize("kind", ["plain", "float_mask", "bool_mask", "causal", "scale"])
def test_scaled_dot_product_attention(kind: str) -> None:
    mask_f = randn(1, 1, 5, 6, seed=3)
    mask_b = randn(2, 1, 5, 6, seed=4) > -0.5

    def fn(q, k, v):
        if kind == "float_mask":
            return F.scaled_dot_product_attention(q, k, v, attn_mask=mask_f)
        if kind == "bool_mask":
            return F.scaled_dot_product_attention(q, k, v, attn_mask=mask_b)
        if kind == "causal":
            return F.scaled_dot_product_attention(q, k[..., :5, :], v[..., :5, :], is_causal=True)
        if kind == "scale":
            return F.scaled_dot_product_attention(q, k, v, scale=0.3)
        return F.scaled_dot_product_attention(q, k, v)

    graph = convert_and_compare(Fn(fn), randn(2, 3, 5, 4), randn(2, 3, 6, 4, seed=1), randn(2, 3, 6, 4, seed=2),
                                rel_tol=REL_TOL)
    assert "Attention" in ops_of(graph)
