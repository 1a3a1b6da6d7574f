"""Concat, Split, Slice, Gather and Pad."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node
from frontc.ir.ops.common import norm_axis
from frontc.ir.ops.tensor import slice_items


class Concat(nn.Module):
    """torch.cat of every input along ``dim``."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return torch.cat(inputs, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


@layer("Concat")
def concat(node: Node, ctx: LayerContext) -> nn.Module:
    """Concat -> torch.cat."""
    return Concat(ctx.attrs["axis"])


class Split(nn.Module):
    """torch.split into the IR's sizes; one output per piece."""

    def __init__(self, sizes: list[int], dim: int) -> None:
        super().__init__()
        self.sizes, self.dim = sizes, dim

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(torch.split(x, self.sizes, self.dim))

    def extra_repr(self) -> str:
        return f"sizes={self.sizes}, dim={self.dim}"


@layer("Split")
def split(node: Node, ctx: LayerContext) -> nn.Module:
    """Split -> torch.split."""
    return Split(list(ctx.attrs["split"]), ctx.attrs["axis"])


class Slice(nn.Module):
    """Basic slicing, one (axis, flip, start, stop, step) per sliced axis with step > 0: torch
    has no negative steps, so those axes are flipped first and sliced forward."""

    def __init__(self, cuts: list[tuple[int, bool, int, int, int]]) -> None:
        super().__init__()
        self.cuts = cuts

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for axis, flip, start, stop, step in self.cuts:
            if flip:
                x = x.flip(axis)
            x = x[(slice(None),) * axis + (slice(start, stop, step),)]
        return x

    def extra_repr(self) -> str:
        return f"cuts={self.cuts}"


@layer("Slice")
def slice_(node: Node, ctx: LayerContext) -> nn.Module:
    """Slice -> Python slicing with the (static, clamped) bounds; negative steps via flip."""
    shape = ctx.shape(0)
    cuts = []
    for axis, start, end, step in slice_items(ctx.attrs, len(shape)):
        picked = range(*slice(start, end, step).indices(shape[axis]))
        if not picked:
            cuts.append((axis, False, 0, 0, 1))
        elif step > 0:
            cuts.append((axis, False, picked.start, picked[-1] + 1, step))
        else:
            first = shape[axis] - 1 - picked.start
            cuts.append((axis, True, first, first + (len(picked) - 1) * -step + 1, -step))
    return Slice(cuts)


class Gather(nn.Module):
    """np.take along ``axis``: negative indices count from the end; index_select on the
    flattened indices, reshaped to the output shape."""

    def __init__(self, axis: int, size: int, out_shape: tuple[int, ...]) -> None:
        super().__init__()
        self.axis, self.size, self.out_shape = axis, size, out_shape

    def forward(self, x: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
        indices = torch.where(indices < 0, indices + self.size, indices).reshape(-1)
        return x.index_select(self.axis, indices).reshape(self.out_shape)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


@layer("Gather")
def gather(node: Node, ctx: LayerContext) -> nn.Module:
    """Gather -> Tensor.index_select."""
    axis = norm_axis(ctx.attrs["axis"], len(ctx.shape(0)))
    return Gather(axis, ctx.shape(0)[axis], ctx.out_shape)


class Pad(nn.Module):
    """Negative pads crop, then F.pad pads the trailing ``dims`` axes (pads in F.pad order).
    F.pad reflects or replicates only 1 to 3 trailing axes of a tensor with 1 or 2 more, so
    otherwise (``native`` False) each axis is padded with flipped or repeated border slices."""

    def __init__(self, pads: list[int], mode: str, value: float) -> None:
        super().__init__()
        rank = len(pads) // 2
        self.crop = [(max(0, -pads[i]), max(0, -pads[rank + i])) for i in range(rank)]
        self.begins = [max(0, p) for p in pads[:rank]]
        self.ends = [max(0, p) for p in pads[rank:]]
        self.mode, self.value = {"edge": "replicate"}.get(mode, mode), value
        padded = [i for i in range(rank) if self.begins[i] or self.ends[i]]
        needed = rank - padded[0] if padded else 0
        self.dims = needed if self.mode == "constant" else max(needed, rank - 2, 1)
        self.native = self.mode == "constant" or (self.dims <= 3 and rank - self.dims in (1, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rank = x.dim()
        if any(b or e for b, e in self.crop):
            x = x[tuple(slice(b, x.shape[i] - e) for i, (b, e) in enumerate(self.crop))]
        if self.native:
            if not self.dims:
                return x
            pads = tuple(p for i in reversed(range(rank - self.dims, rank)) for p in (self.begins[i], self.ends[i]))
            return F.pad(x, pads, mode=self.mode, value=self.value if self.mode == "constant" else None)
        for axis in range(rank):
            begin, end, size = self.begins[axis], self.ends[axis], x.shape[axis]
            if self.mode == "reflect":
                before = x.narrow(axis, 1, begin).flip(axis)
                after = x.narrow(axis, size - 1 - end, end).flip(axis)
            else:
                before = x.narrow(axis, 0, 1).repeat_interleave(begin, axis)
                after = x.narrow(axis, size - 1, 1).repeat_interleave(end, axis)
            x = torch.cat([before, x, after], axis)
        return x

    def extra_repr(self) -> str:
        return f"begins={self.begins}, ends={self.ends}, crop={self.crop}, mode={self.mode}, value={self.value}"


@layer("Pad")
def pad(node: Node, ctx: LayerContext) -> nn.Module:
    """Pad -> F.pad (constant, reflect, replicate for 'edge'); negative pads crop first."""
    return Pad(list(ctx.attrs["pads"]), ctx.attrs["mode"], ctx.attrs["value"])


class GatherElements(nn.Module):
    """torch.gather along ``dim`` (negative indices made positive first; X cut to the indices' extent
    off the axis, as the IR allows smaller indices)."""

    def __init__(self, dim: int, extent: tuple[int, ...]) -> None:
        super().__init__()
        self.dim, self.extent = dim, extent

    def forward(self, x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        index = torch.where(index < 0, index + x.shape[self.dim], index).long()
        x = x[tuple(slice(None) if k == self.dim else slice(0, d) for k, d in enumerate(self.extent))]
        return torch.gather(x, self.dim, index)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


@layer("GatherElements")
def gather_elements(node: Node, ctx: LayerContext) -> nn.Module:
    """GatherElements -> torch.gather."""
    return GatherElements(norm_axis(ctx.attrs["axis"], len(ctx.shape(0))), ctx.shape(1))


TORCH_REDUCE = {"add": "sum", "mul": "prod", "max": "amax", "min": "amin"}


class GatherND(nn.Module):
    """GatherND: advanced indexing per batch entry (``batch_dims`` leading axes shared)."""

    def __init__(self, batch_dims: int, out_shape: tuple[int, ...]) -> None:
        super().__init__()
        self.batch_dims, self.out_shape = batch_dims, out_shape

    def forward(self, x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        b, k = self.batch_dims, index.shape[-1]
        batch = 1
        for d in index.shape[:b]:
            batch *= d
        xs = x.reshape(batch, *x.shape[b:])
        flat = index.reshape(batch, -1, k)
        rows = [xs[n][tuple(flat[n, :, j] for j in range(k))] for n in range(batch)]
        return torch.stack(rows).reshape(self.out_shape)


class ScatterND(nn.Module):
    """ScatterND as scatter / scatter_reduce (include_self) over X viewed as (indexed positions, rest)."""

    def __init__(self, reduction: str) -> None:
        super().__init__()
        self.reduction = reduction

    def forward(self, x: torch.Tensor, index: torch.Tensor, updates: torch.Tensor) -> torch.Tensor:
        k = index.shape[-1]
        flat = index.reshape(-1, k)
        dims = torch.tensor(x.shape[:k], device=x.device)
        flat = torch.where(flat < 0, flat + dims, flat)
        linear = torch.zeros(flat.shape[0], dtype=torch.int64, device=x.device)
        for j in range(k):
            linear = linear * x.shape[j] + flat[:, j]
        table = x.reshape(-1, *x.shape[k:]).flatten(1) if k < x.dim() else x.reshape(-1, 1)
        values = updates.reshape(flat.shape[0], -1)
        where = linear[:, None].expand_as(values)
        if self.reduction == "none":
            out = table.scatter(0, where, values)
        else:
            out = table.scatter_reduce(0, where, values, TORCH_REDUCE[self.reduction], include_self=True)
        return out.reshape(x.shape)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction}"


class ScatterElements(nn.Module):
    """ScatterElements -> Tensor.scatter / scatter_reduce (include_self) along ``dim``."""

    def __init__(self, dim: int, reduction: str) -> None:
        super().__init__()
        self.dim, self.reduction = dim, reduction

    def forward(self, x: torch.Tensor, index: torch.Tensor, updates: torch.Tensor) -> torch.Tensor:
        index = torch.where(index < 0, index + x.shape[self.dim], index).long()
        if self.reduction == "none":
            return x.scatter(self.dim, index, updates)
        return x.scatter_reduce(self.dim, index, updates, TORCH_REDUCE[self.reduction], include_self=True)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, reduction={self.reduction}"


@layer("GatherND")
def gather_nd(node: Node, ctx: LayerContext) -> nn.Module:
    """GatherND -> advanced indexing."""
    return GatherND(ctx.attrs["batch_dims"], ctx.out_shape)


@layer("ScatterND")
def scatter_nd(node: Node, ctx: LayerContext) -> nn.Module:
    """ScatterND -> scatter / scatter_reduce."""
    return ScatterND(ctx.attrs["reduction"])


@layer("ScatterElements")
def scatter_elements(node: Node, ctx: LayerContext) -> nn.Module:
    """ScatterElements -> scatter / scatter_reduce."""
    return ScatterElements(norm_axis(ctx.attrs["axis"], len(ctx.shape(0))), ctx.attrs["reduction"])
