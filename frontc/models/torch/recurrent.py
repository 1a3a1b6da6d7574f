"""Recurrent and recommendation networks: a CRNN text recognizer and a DLRM-style recommender."""
from __future__ import annotations

import torch
from torch import nn


class CRNN(nn.Module):
    """A CNN over a text-line image (32 high), its columns as a sequence into a 2-layer bidirectional
    LSTM, and a Linear to per-step class log-probabilities (CTC-style output: steps x batch x classes)."""

    def __init__(self, num_classes: int = 37, hidden: int = 64) -> None:
        super().__init__()

        def block(inp: int, out: int, pool: tuple[int, int]) -> list[nn.Module]:
            return [nn.Conv2d(inp, out, 3, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU(), nn.MaxPool2d(pool)]

        self.cnn = nn.Sequential(*block(1, 32, (2, 2)), *block(32, 64, (2, 2)), *block(64, 96, (2, 1)),
                                 *block(96, 128, (4, 1)))
        self.rnn = nn.LSTM(128, hidden, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.cnn(x).squeeze(2).permute(2, 0, 1)  # (width, batch, channels)
        y, _ = self.rnn(features)
        return torch.log_softmax(self.fc(y), dim=-1)


class DLRM(nn.Module):
    """DLRM-style recommender: a bottom MLP on dense features, one embedding table per sparse
    feature, pairwise dot-product interactions (upper triangle) and a top MLP to a click probability."""

    def __init__(self, dense: int = 13, tables: tuple[int, ...] = (100, 50, 80, 30), dim: int = 16) -> None:
        super().__init__()
        self.bottom = nn.Sequential(nn.Linear(dense, 64), nn.ReLU(), nn.Linear(64, dim), nn.ReLU())
        self.tables = nn.ModuleList(nn.Embedding(rows, dim) for rows in tables)
        n = len(tables) + 1
        rows, cols = torch.triu_indices(n, n, offset=1)
        self.register_buffer("pairs", rows * n + cols, persistent=False)
        self.top = nn.Sequential(nn.Linear(dim + n * (n - 1) // 2, 64), nn.ReLU(), nn.Linear(64, 1), nn.Sigmoid())

    def forward(self, dense: torch.Tensor, sparse: torch.Tensor) -> torch.Tensor:
        x = self.bottom(dense)
        features = torch.stack([x] + [table(sparse[:, i]) for i, table in enumerate(self.tables)], dim=1)
        products = torch.bmm(features, features.transpose(1, 2)).flatten(1)
        return self.top(torch.cat([x, torch.index_select(products, 1, self.pairs)], dim=1))


def crnn() -> CRNN:
    return CRNN()


def dlrm() -> DLRM:
    return DLRM()
