"""NHWC -> NCHW bookkeeping shared by the Keras and the TF GraphDef converters.

TensorFlow models are channels-last; the IR is channels-first. The frontend
converts once: every 4-D source tensor (N, H, W, C) lives in the IR as
(N, C, H, W), and each IR tensor carries a Layout saying how it relates to the
source tensor it stands for:

- ``PLAIN``: the IR tensor is the source tensor, axis for axis;
- ``NCHW``: the IR tensor is the 4-D source tensor transposed by (0, 3, 1, 2);
- ``flat(h, w, c)``: the IR tensor (N, C*H*W) is the source (N, H*W*C) in
  C-major order (an NCHW Flatten). A Dense reading it permutes its weight rows
  with ``flat_order`` instead of moving data.

Converters that need a particular layout ask the Context to materialize it
(an explicit Transpose or Reshape); nothing downstream guesses.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NHWC_TO_NCHW = (0, 3, 1, 2)
NCHW_TO_NHWC = (0, 2, 3, 1)


@dataclass(frozen=True)
class Layout:
    """How an IR tensor relates to its source tensor (see the module docstring)."""

    kind: str
    hwc: tuple[int, ...] = ()

    def __str__(self) -> str:
        return f"flat{self.hwc}" if self.kind == "flat" else self.kind


PLAIN = Layout("plain")
NCHW = Layout("nchw")


def flat(h: int, w: int, c: int) -> Layout:
    """The layout of an NCHW Flatten of an (N, h, w, c) source tensor; PLAIN when orders agree."""
    return PLAIN if h * w == 1 or c == 1 else Layout("flat", (h, w, c))


def flat_order(hwc: Sequence[int]) -> np.ndarray:
    """``order[j]``: the source (HWC-major) flat index of IR (CHW-major) flat index ``j``."""
    h, w, c = hwc
    return np.arange(h * w * c).reshape(h, w, c).transpose(2, 0, 1).ravel()


def ir_axis(axis: int, rank: int, layout: Layout) -> int:
    """The IR axis holding source axis ``axis`` (negative counts from the end)."""
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range for rank {rank}")
    axis %= rank
    return NCHW_TO_NHWC[axis] if layout == NCHW else axis


def source_axes(layout: Layout, rank: int) -> list[int]:
    """For each IR axis in order, the source axis it holds."""
    return list(NHWC_TO_NCHW) if layout == NCHW else list(range(rank))


def source_shape(ir_shape: Sequence[int], layout: Layout) -> tuple[int, ...]:
    """The shape of the source tensor an IR tensor of ``ir_shape`` stands for."""
    if layout == NCHW:
        return tuple(ir_shape[i] for i in NCHW_TO_NHWC)
    return tuple(ir_shape)


def ir_shape(src_shape: Sequence[int], layout: Layout) -> tuple[int, ...]:
    """The IR shape of a source tensor of ``src_shape`` held in ``layout``."""
    if layout == NCHW:
        return tuple(src_shape[i] for i in NHWC_TO_NCHW)
    return tuple(src_shape)


def const_for(array: np.ndarray, layout: Layout) -> np.ndarray:
    """A constant operand, given in source layout, rearranged to broadcast against an IR
    tensor held in ``layout`` exactly as it did against the source tensor."""
    array = np.asarray(array)
    if array.ndim == 0 or array.size == 1 and layout != NCHW:
        return array
    if layout == NCHW:
        full = array.reshape((1,) * (4 - array.ndim) + array.shape)
        return np.ascontiguousarray(full.transpose(NHWC_TO_NCHW))
    if layout.kind == "flat" and array.shape[-1] != 1:
        return np.ascontiguousarray(array[..., flat_order(layout.hwc)])
    return array


def same_pads(sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
              dilations: Sequence[int]) -> list[int]:
    """TF 'SAME' padding as IR pads (begins, then ends): the odd pixel goes at the end."""
    begins, ends = [], []
    for size, k, s, d in zip(sizes, kernel, strides, dilations):
        out = math.ceil(size / s)
        total = max((out - 1) * s + d * (k - 1) + 1 - size, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
    return begins + ends


def window_pads(padding: str, sizes: Sequence[int], kernel: Sequence[int],
                strides: Sequence[int], dilations: Sequence[int]) -> list[int]:
    """IR pads of a Keras/TF window op with padding 'same' or 'valid' (any case)."""
    if padding.lower() == "same":
        return same_pads(sizes, kernel, strides, dilations)
    return [0] * (2 * len(sizes))


def transpose_pads(padding: str, in_sizes: Sequence[int], out_sizes: Sequence[int],
                   kernel: Sequence[int], strides: Sequence[int],
                   dilations: Sequence[int]) -> tuple[list[int], list[int]]:
    """(pads, output_padding) of the IR ConvTranspose that yields ``out_sizes`` as TF does.

    TF's transposed convolution is the gradient of the forward convolution from
    ``out_sizes`` to ``in_sizes`` with the same padding, so the crop is that
    convolution's padding and whatever is left over at the end is output padding.
    """
    pads = window_pads(padding, out_sizes, kernel, strides, dilations)
    n = len(in_sizes)
    extra = [out - ((i - 1) * s + d * (k - 1) + 1 - pads[a] - pads[n + a])
             for a, (i, out, k, s, d) in enumerate(zip(in_sizes, out_sizes, kernel, strides, dilations))]
    return pads, extra


def hwio_to_oihw(kernel: np.ndarray) -> np.ndarray:
    """A TF conv kernel (kh, kw, in/groups, out) as an IR Conv weight (out, in/groups, kh, kw)."""
    return np.ascontiguousarray(np.asarray(kernel).transpose(3, 2, 0, 1))


def depthwise_to_oihw(kernel: np.ndarray) -> np.ndarray:
    """A TF depthwise kernel (kh, kw, C, mult) as an IR Conv weight (C*mult, 1, kh, kw), group C.

    TF's output channel ``c * mult + m`` uses ``kernel[:, :, c, m]``.
    """
    kh, kw, c, mult = np.shape(kernel)
    return np.ascontiguousarray(np.asarray(kernel).reshape(kh, kw, c * mult).transpose(2, 0, 1)[:, None])


def compose_perm(layout: Layout, perm: Sequence[int]) -> list[int]:
    """The IR permutation giving ``source.transpose(perm)`` from an IR tensor in ``layout``."""
    if layout == NCHW:
        return [NCHW_TO_NHWC[p] for p in perm]
    return list(perm)


def is_reshape(shape: Sequence[int], perm: Sequence[int]) -> bool:
    """True when transposing ``shape`` by ``perm`` only moves size-1 axes (a Reshape will do)."""
    moved = [p for p in perm if shape[p] != 1]
    return moved == sorted(moved)
