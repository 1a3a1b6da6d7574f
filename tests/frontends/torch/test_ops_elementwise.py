"""Activations, arithmetic with tensors and numbers, and reductions, against PyTorch."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from tests.frontends.torch.helpers import ELEMENTWISE_TOL, REL_TOL, Fn, convert_and_compare, ops_of, randn

UNARY = {
    "relu": (nn.ReLU, "Relu"),
    "relu6": (nn.ReLU6, "Relu6"),
    "hardtanh": (lambda: nn.Hardtanh(-2.0, 1.5), "Clip"),
    "leaky_relu": (lambda: nn.LeakyReLU(0.2), "LeakyRelu"),
    "elu": (lambda: nn.ELU(0.7), "Elu"),
    "sigmoid": (nn.Sigmoid, "Sigmoid"),
    "hardsigmoid": (nn.Hardsigmoid, "HardSigmoid"),
    "hardswish": (nn.Hardswish, "HardSwish"),
    "silu": (nn.SiLU, "Swish"),
    "tanh": (nn.Tanh, "Tanh"),
    "gelu_tanh": (lambda: nn.GELU("tanh"), "Gelu"),
    "gelu_exact": (nn.GELU, "Gelu"),
    "erf": (lambda: Fn(torch.erf), "Erf"),
    "prelu": (lambda: nn.PReLU(4, init=0.3), "PRelu"),
    "softmax": (lambda: nn.Softmax(dim=1), "Softmax"),
    "log_softmax": (lambda: nn.LogSoftmax(dim=-1), "LogSoftmax"),
    "clamp": (lambda: Fn(lambda x: x.clamp(-0.5, 0.75)), "Clip"),
    "clamp_min": (lambda: Fn(lambda x: x.clamp(min=0.1)), "Clip"),
    "clamp_tensor": (lambda: Fn(lambda x: torch.clamp(x, min=-x.abs().mean(), max=x.abs())), "Min"),
    "exp_neg_abs": (lambda: Fn(lambda x: torch.exp(-x.abs())), "Exp"),
    "sqrt_log": (lambda: Fn(lambda x: torch.sqrt(x.abs() + 1) + torch.log(x.abs() + 0.5)), "Sqrt"),
    "rsqrt_reciprocal": (lambda: Fn(lambda x: torch.rsqrt(x.abs() + 1) * torch.reciprocal(x + 10)), "Sqrt"),
    "floor_ceil": (lambda: Fn(lambda x: torch.floor(x * 3) + torch.ceil(x * 2)), "Floor"),
    "scalar_arith": (lambda: Fn(lambda x: (x + 1) * 2 - 0.5), "Mul"),
    "reverse_scalar": (lambda: Fn(lambda x: (3 - x) / (2 + x.abs())), "Sub"),
    "pow_scalar": (lambda: Fn(lambda x: x ** 2 + 2 ** x), "Pow"),
    "div_floor": (lambda: Fn(lambda x: torch.div(x, 0.3, rounding_mode="floor")), "Floor"),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name: str) -> None:
    build, op = UNARY[name]
    graph = convert_and_compare(build, randn(2, 4, 5, 3), rel_tol=ELEMENTWISE_TOL)
    assert op in ops_of(graph)


BINARY = {
    "add": lambda x, y: x + y,
    "add_alpha": lambda x, y: torch.add(x, y, alpha=2.5),
    "sub_alpha": lambda x, y: torch.sub(x, y, alpha=0.5),
    "mul_broadcast": lambda x, y: x * y[:, :, :1, :],
    "div": lambda x, y: x / (y.abs() + 1),
    "maximum_minimum": lambda x, y: torch.maximum(x, y) + torch.minimum(x, y) * 2,
    "pow_tensor": lambda x, y: torch.pow(x.abs() + 0.5, y),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary(name: str) -> None:
    convert_and_compare(Fn(BINARY[name]), randn(2, 3, 4, 5), randn(2, 3, 4, 5, seed=1),
                        rel_tol=ELEMENTWISE_TOL)


REDUCE = {
    "mean_spatial_keepdim": lambda x: x.mean(dim=(2, 3), keepdim=True),
    "mean_all": lambda x: x.mean(),
    "sum_dim": lambda x: x.sum(dim=1),
    "amax_amin": lambda x: x.amax(dim=-1) - x.amin(dim=(1, 3)).unsqueeze(1),
    "max_dim_values": lambda x: x.max(dim=2).values,
    "min_dim_keepdim": lambda x: torch.min(x, dim=1, keepdim=True)[0],
}


@pytest.mark.parametrize("name", sorted(REDUCE))
def test_reduce(name: str) -> None:
    convert_and_compare(Fn(REDUCE[name]), randn(2, 3, 4, 5), rel_tol=REL_TOL)


def test_int_tensor_scalar_promotion() -> None:
    """An integer input times a float number gives float (PyTorch type promotion)."""
    x = torch.arange(12, dtype=torch.int64).reshape(3, 4)
    graph = convert_and_compare(Fn(lambda t: t * 0.5 + 1), x, rel_tol=ELEMENTWISE_TOL)
    assert "Cast" in ops_of(graph)
