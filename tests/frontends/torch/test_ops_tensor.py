"""Reshapes, permutes, concatenation, slicing, splitting, padding, resizing and casts, against PyTorch."""
from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import frontc
from tests.frontends.torch.helpers import ELEMENTWISE_TOL, REL_TOL, Fn, convert_and_compare, ops_of, randn

CASES = {
    "flatten": lambda x: torch.flatten(x, 1),
    "flatten_middle": lambda x: torch.flatten(x, 1, 2),
    "view_reshape": lambda x: x.view(2, -1).reshape(-1, 5, 2),
    "permute_transpose": lambda x: x.permute(0, 2, 3, 1).transpose(1, 2),
    "squeeze_unsqueeze": lambda x: x[:, :1].squeeze(1).unsqueeze(-1).unsqueeze(0),
    "squeeze_noop_dim": lambda x: x.squeeze(1),
    "cat": lambda x: torch.cat([x, x * 2, x[:, :1]], dim=1),
    "stack": lambda x: torch.stack([x, -x], dim=2),
    "slice_steps": lambda x: x[:, 1:, ::2, -3:],
    "select": lambda x: x[:, 0] + x[1, -1].unsqueeze(0),
    "chunk": lambda x: torch.chunk(x, 3, dim=1),
    "split_sizes": lambda x: torch.split(x, [1, 2], dim=1),
    "unbind": lambda x: torch.unbind(x, dim=1),
    "pad_constant": lambda x: F.pad(x, (1, 2, 0, 3), value=0.5),
    "pad_negative": lambda x: F.pad(x, (-1, 1, 2, -2)),
    "pad_reflect": lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"),
    "pad_replicate": lambda x: F.pad(x, (0, 2, 3, 1), mode="replicate"),
    "expand": lambda x: x[:, :1].expand(2, 4, 4, 5),
    "repeat": lambda x: x.repeat(1, 2, 1, 3),
    "repeat_new_dim": lambda x: x.repeat(2, 1, 1, 1, 1),
    "pixel_shuffle": lambda x: F.pixel_shuffle(torch.cat([x, x + 1, x * 2, x - 1], 1), 2),
    "clone_contiguous": lambda x: x.transpose(2, 3).contiguous().clone() + 1,
    "to_double": lambda x: x.to(torch.float64) * 2,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tensor_op(name: str) -> None:
    convert_and_compare(Fn(CASES[name]), randn(2, 3, 4, 5), rel_tol=ELEMENTWISE_TOL)


RESIZE = {
    "nearest_scale2": (lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), (2, 3, 4, 5), "Resize"),
    "nearest_scale3": (lambda x: F.interpolate(x, scale_factor=(3, 2), mode="nearest"), (1, 2, 4, 5), "Resize"),
    "nearest_size": (lambda x: F.interpolate(x, size=(7, 11), mode="nearest"), (1, 2, 4, 5), "Resize"),
    "nearest_down": (lambda x: F.interpolate(x, size=(2, 3), mode="nearest"), (1, 2, 4, 5), "Resize"),
    "nearest_1d": (lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), (1, 2, 5), "Resize"),
    # PyTorch's float32 source coordinates land on the other side of an integer than exact math
    "nearest_scale_1_3": (lambda x: F.interpolate(x, scale_factor=1.3, mode="nearest"), (1, 2, 13, 11),
                          "Gather"),
    "nearest_exact": (lambda x: F.interpolate(x, size=(9, 7), mode="nearest-exact"), (1, 2, 4, 5), "Resize"),
    "nearest_exact_tie": (lambda x: F.interpolate(x, size=(37, 23), mode="nearest-exact"), (1, 2, 6, 14),
                          "Gather"),
    "bilinear_scale": (lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear"), (2, 3, 4, 5), "Resize"),
    "bilinear_size": (lambda x: F.interpolate(x, size=(3, 11), mode="bilinear"), (1, 2, 4, 5), "Resize"),
    "bilinear_align_corners": (lambda x: F.interpolate(x, size=(9, 13), mode="bilinear", align_corners=True),
                               (1, 2, 4, 5), "Resize"),
    "bilinear_to_one": (lambda x: F.interpolate(x, size=(1, 1), mode="bilinear"), (1, 2, 4, 5), "Resize"),
    "linear_1d": (lambda x: F.interpolate(x, size=9, mode="linear", align_corners=False), (1, 2, 5), "Resize"),
}


@pytest.mark.parametrize("name", sorted(RESIZE))
def test_interpolate(name: str) -> None:
    """Nearest picks exactly PyTorch's pixels; linear weights agree to float32 rounding."""
    fn, shape, op = RESIZE[name]
    graph = convert_and_compare(Fn(fn), randn(*shape), rel_tol=0.0 if "nearest" in name else REL_TOL)
    assert op in ops_of(graph)


def test_dropout_and_identity_emit_nothing() -> None:
    graph = convert_and_compare(lambda: nn.Sequential(nn.Identity(), nn.Dropout(0.5), nn.ReLU()),
                                randn(1, 8))
    assert ops_of(graph) == ["Relu"]


def test_two_inputs_and_tuple_output() -> None:
    graph = convert_and_compare(Fn(lambda x, y: (x + y, torch.cat([x, y], 0))), randn(2, 3),
                                randn(2, 3, seed=1))
    assert [spec.name for spec in graph.inputs] == ["xs_0", "xs_1"]  # the forward's argument names
    assert graph.outputs == ["add", "cat"]


def test_input_names_come_from_input_shapes() -> None:
    graph = frontc.load(Fn(lambda x, y: x * y), "torch", input_shapes={"image": (2, 3), "mask": (1, 3)})
    assert [(spec.name, spec.shape) for spec in graph.inputs] == [("image", (2, 3)), ("mask", (1, 3))]
