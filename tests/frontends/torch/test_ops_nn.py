"""Convolutions, batch norm, linear layers and pooling, one module each, against PyTorch."""
from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from frontc.ir.errors import UnsupportedOpError
from tests.frontends.torch.helpers import Fn, convert_and_compare, ops_of, randn

CASES = {
    "conv_bias": (lambda: nn.Conv2d(3, 8, 3), (1, 3, 9, 9)),
    "conv_stride_pad": (lambda: nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), (2, 3, 11, 11)),
    "conv_groups_dilation": (lambda: nn.Conv2d(4, 8, 3, padding=2, dilation=2, groups=2), (1, 4, 10, 10)),
    "conv_depthwise": (lambda: nn.Conv2d(6, 6, 5, stride=2, padding=2, groups=6), (1, 6, 12, 12)),
    "conv_same_even_kernel": (lambda: nn.Conv2d(3, 4, 4, padding="same", dilation=1), (1, 3, 8, 8)),
    "conv_same_dilated": (lambda: nn.Conv2d(3, 4, 3, padding="same", dilation=3), (1, 3, 9, 9)),
    "conv_valid": (lambda: nn.Conv2d(3, 4, (3, 1), padding="valid"), (1, 3, 8, 8)),
    "conv_rect": (lambda: nn.Conv2d(3, 4, (1, 5), stride=(2, 1), padding=(0, 2)), (1, 3, 8, 8)),
    "conv1d": (lambda: nn.Conv1d(3, 5, 3, stride=2, padding=1), (2, 3, 16)),
    "conv3d": (lambda: nn.Conv3d(2, 3, 3, padding=1), (1, 2, 4, 5, 6)),
    "conv_transpose": (lambda: nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1),
                       (1, 4, 5, 5)),
    "conv_transpose_groups": (lambda: nn.ConvTranspose2d(4, 6, 4, stride=2, padding=1, groups=2),
                              (1, 4, 5, 5)),
    "batchnorm2d": (lambda: nn.BatchNorm2d(5), (2, 5, 4, 4)),
    "batchnorm2d_no_affine": (lambda: nn.BatchNorm2d(5, affine=False), (1, 5, 4, 4)),
    "batchnorm1d": (lambda: nn.BatchNorm1d(6, eps=1e-3), (3, 6)),
    "linear": (lambda: nn.Linear(12, 7), (4, 12)),
    "linear_3d_no_bias": (lambda: nn.Linear(12, 7, bias=False), (2, 3, 12)),
    "maxpool": (lambda: nn.MaxPool2d(2), (1, 3, 8, 8)),
    "maxpool_ceil_pad": (lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (1, 3, 10, 10)),
    "maxpool_dilation": (lambda: nn.MaxPool2d(3, stride=1, dilation=2), (1, 2, 9, 9)),
    "avgpool_include_pad": (lambda: nn.AvgPool2d(3, stride=2, padding=1), (1, 3, 9, 9)),
    "avgpool_exclude_pad_ceil": (lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True,
                                                      count_include_pad=False), (1, 3, 10, 10)),
    "avgpool_ceil_include_pad": (lambda: nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=True), (1, 2, 7, 7)),
    "maxpool1d": (lambda: nn.MaxPool1d(3, stride=2), (1, 3, 11)),
    "adaptive_avg_1x1": (lambda: nn.AdaptiveAvgPool2d(1), (2, 4, 7, 5)),
    "adaptive_avg_divisible": (lambda: nn.AdaptiveAvgPool2d((2, 3)), (1, 4, 8, 9)),
    "adaptive_max_1x1": (lambda: nn.AdaptiveMaxPool2d(1), (1, 4, 6, 6)),
    "matmul": (lambda: Fn(lambda x: x @ x.transpose(-1, -2)), (2, 4, 5)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer(name: str) -> None:
    build, shape = CASES[name]
    convert_and_compare(build, randn(*shape))


def test_conv_same_pads_are_explicit() -> None:
    graph = convert_and_compare(lambda: nn.Conv2d(3, 4, 4, padding="same"), randn(1, 3, 8, 8))
    conv = next(n for n in graph.nodes if n.op == "Conv")
    assert conv.attrs["pads"] == [1, 1, 2, 2]  # torch puts the odd padding at the end


def test_batchnorm_stays_batchnorm_and_linear_is_dense() -> None:
    graph = convert_and_compare(lambda: nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(),
                                                      nn.Linear(4 * 36, 5)), randn(1, 3, 8, 8))
    assert ops_of(graph) == ["Conv", "BatchNorm", "Reshape", "Dense"]  # export turns flatten into view
    assert sorted(graph.params) == ["0.bias", "0.weight", "1.bias", "1.running_mean", "1.running_var",
                                    "1.weight", "3.bias", "3.weight"]


def test_linear_with_computed_weight() -> None:
    """A weight that is an activation, not a parameter, becomes Transpose + MatMul + Add."""
    bias = torch.randn(4)
    graph = convert_and_compare(lambda: Fn(lambda x, w: F.linear(x, w, bias)), randn(3, 5), randn(4, 5, seed=1))
    assert "MatMul" in ops_of(graph)


def test_adaptive_pool_not_divisible_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedOpError, match=r"multiple of the output size"):
        convert_and_compare(lambda: nn.AdaptiveAvgPool2d(3), randn(1, 2, 7, 7))
