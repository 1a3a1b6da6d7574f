"""Interpolation: aten.upsample_* -> Resize, or Gather where Resize would pick other pixels."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from frontc.frontends.torch.context import ConversionContext, bind_args
from frontc.frontends.torch.registry import REG


def _resize_geometry(node: Any, ctx: ConversionContext, a: dict[str, Any]) -> dict[str, Any]:
    """Resize ``scales`` (when torch was given scale factors: it samples with 1/scale) or ``sizes``."""
    factors = a.get("scale_factors")
    if factors is None:
        factors = [a.get(k) for k in ("scales", "scales_d", "scales_h", "scales_w") if k in a]
    if factors and all(s is not None and s > 0 for s in factors):
        return {"scales": [1.0, 1.0] + [float(s) for s in factors]}
    return {"sizes": list(ctx.shape(node))}


@REG.register("aten.upsample_nearest1d.vec", "aten.upsample_nearest2d.vec", "aten.upsample_nearest3d.vec",
              "aten.upsample_nearest1d.default", "aten.upsample_nearest2d.default",
              "aten.upsample_nearest3d.default", "aten._upsample_nearest_exact1d.vec",
              "aten._upsample_nearest_exact2d.vec", "aten._upsample_nearest_exact3d.vec")
def upsample_nearest(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.upsample_nearest* and nearest-exact -> Resize(nearest), or one Gather per resized axis
    where Resize's float64 coordinates would round differently from PyTorch's float32 ones."""
    a = bind_args(node)
    exact = node.target._opname.startswith("_upsample_nearest_exact")
    attrs = {"mode": "nearest", "nearest_mode": "floor",
             "coordinate_transformation_mode": "tf_half_pixel_for_nn" if exact else "asymmetric",
             **_resize_geometry(node, ctx, a)}
    picked = _torch_sources(node, ctx)
    if all(np.array_equal(p, r) for p, r in zip(picked, _resize_sources(node, ctx, attrs))):
        return [ctx.add1(node, "Resize", [ctx.tensor(node.args[0])], attrs)]
    y = ctx.tensor(node.args[0])
    for axis, index in enumerate(picked, start=2):
        if not np.array_equal(index, np.arange(ctx.shape(node.args[0])[axis])):
            rows = ctx.builder.param(f"{ctx.base(node)}/index{axis}", index.astype(np.int64))
            y = ctx.add1(node, "Gather", [y, rows], {"axis": axis}, suffix=f"gather{axis}")
    return [y]


def _ramp(node: Any, ctx: ConversionContext) -> np.ndarray:
    """An input of the node's spatial size whose values are their own flat positions."""
    spatial = ctx.shape(node.args[0])[2:]
    return np.arange(math.prod(spatial), dtype=np.float64).reshape(1, 1, *spatial)


def _per_axis(flat: np.ndarray, spatial: tuple[int, ...]) -> list[np.ndarray]:
    """The source index along each axis, from the output's flat source positions."""
    coords = np.unravel_index(flat.astype(np.int64)[0, 0], spatial)
    return [c[tuple(slice(None) if d == i else 0 for d in range(len(spatial)))]
            for i, c in enumerate(coords)]


def _torch_sources(node: Any, ctx: ConversionContext) -> list[np.ndarray]:
    """Which input pixel PyTorch takes for each output pixel, per axis (the op run on a ramp)."""
    import torch

    out = node.target(torch.from_numpy(_ramp(node, ctx)), *node.args[1:], **node.kwargs)
    return _per_axis(out.numpy(), ctx.shape(node.args[0])[2:])


def _resize_sources(node: Any, ctx: ConversionContext, attrs: dict[str, Any]) -> list[np.ndarray]:
    """Which input pixel the IR's Resize takes for each output pixel, per axis."""
    from frontc.interpreter.kernels.resize import resize

    full = {"scales": [], "sizes": [], **attrs}
    if full["sizes"]:
        full["sizes"] = [1, 1, *full["sizes"][2:]]
    return _per_axis(resize([_ramp(node, ctx)], full), ctx.shape(node.args[0])[2:])


@REG.register("aten.upsample_linear1d.vec", "aten.upsample_bilinear2d.vec", "aten.upsample_trilinear3d.vec",
              "aten.upsample_linear1d.default", "aten.upsample_bilinear2d.default",
              "aten.upsample_trilinear3d.default")
def upsample_linear(node: Any, ctx: ConversionContext) -> list[str]:
    """aten.upsample_(bi|tri)linear* (align_corners or half-pixel) -> Resize(linear)."""
    a = bind_args(node)
    attrs = {"mode": "linear",
             "coordinate_transformation_mode": "align_corners" if a["align_corners"] else "half_pixel",
             **_resize_geometry(node, ctx, a)}
    return [ctx.add1(node, "Resize", [ctx.tensor(node.args[0])], attrs)]

