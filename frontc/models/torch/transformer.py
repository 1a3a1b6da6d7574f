"""Small transformer networks: a BERT-tiny-style text encoder and a ViT-tiny image classifier,
written with plain layers (Linear, LayerNorm, matmul, softmax, GELU) as exporters see them."""
from __future__ import annotations

import math

import torch
from torch import nn


class SelfAttention(nn.Module):
    """Multi-head self-attention: Q, K, V projections, softmax(Q K^T / sqrt(d)) V, output projection."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.query, self.key, self.value = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if bias is not None:
            scores = scores + bias
        context = torch.matmul(torch.softmax(scores, dim=-1), v)
        b, _, n, _ = context.shape
        return self.out(context.transpose(1, 2).reshape(b, n, self.heads * self.head_dim))


class EncoderLayer(nn.Module):
    """A transformer block; post-norm (BERT) or pre-norm (ViT)."""

    def __init__(self, dim: int, heads: int, hidden: int, pre_norm: bool, eps: float) -> None:
        super().__init__()
        self.pre_norm = pre_norm
        self.attention = SelfAttention(dim, heads)
        self.norm1, self.norm2 = nn.LayerNorm(dim, eps=eps), nn.LayerNorm(dim, eps=eps)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
        if self.pre_norm:
            x = x + self.attention(self.norm1(x), bias)
            return x + self.mlp(self.norm2(x))
        x = self.norm1(x + self.attention(x, bias))
        return self.norm2(x + self.mlp(x))


class BertTiny(nn.Module):
    """BERT-style encoder (2 layers, 128 wide, 2 heads): token + position + type embeddings, an
    attention mask from the padding ids (id 0), a tanh pooler and a classifier."""

    def __init__(self, vocab: int = 1000, dim: int = 128, layers: int = 2, heads: int = 2, hidden: int = 512,
                 max_len: int = 64, num_classes: int = 2) -> None:
        super().__init__()
        self.tokens = nn.Embedding(vocab, dim)
        self.positions = nn.Parameter(torch.randn(1, max_len, dim) * 0.02)
        self.token_type = nn.Parameter(torch.randn(dim) * 0.02)
        self.norm = nn.LayerNorm(dim, eps=1e-12)
        self.layers = nn.ModuleList(EncoderLayer(dim, heads, hidden, False, 1e-12) for _ in range(layers))
        self.pooler = nn.Linear(dim, dim)
        self.classifier = nn.Linear(dim, num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        n = ids.shape[1]
        bias = (ids == 0).float()[:, None, None, :] * -10000.0
        x = self.norm(self.tokens(ids) + self.positions[:, :n] + self.token_type)
        for layer in self.layers:
            x = layer(x, bias)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


class ViTTiny(nn.Module):
    """Vision transformer (patch 8, 4 layers, 96 wide, 3 heads, pre-norm): patch embedding as a strided
    conv, a class token, learned positions and a linear head."""

    def __init__(self, image: int = 32, patch: int = 8, dim: int = 96, layers: int = 4, heads: int = 3,
                 hidden: int = 192, num_classes: int = 10) -> None:
        super().__init__()
        self.patch = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.positions = nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, dim) * 0.02)
        self.layers = nn.ModuleList(EncoderLayer(dim, heads, hidden, True, 1e-6) for _ in range(layers))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.positions
        for layer in self.layers:
            x = layer(x)
        return self.head(self.norm(x)[:, 0])


def bert_tiny() -> BertTiny:
    return BertTiny()


def vit_tiny() -> ViTTiny:
    return ViTTiny()
