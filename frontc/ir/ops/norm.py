"""Normalizations computed from the input's own statistics: LayerNorm, GroupNorm, InstanceNorm."""
from __future__ import annotations

from typing import Any

from frontc.ir.ops.common import need, norm_axis, numeric_input, require
from frontc.ir.schema import AttrSpec, Ins, register_op


@register_op("LayerNorm", ["X", "scale", "bias?"],
             {"axis": AttrSpec("int", -1), "epsilon": AttrSpec("float", 1e-5)},
             weights=["scale", "bias"], family="nn")
def layer_norm(ins: Ins, a: dict[str, Any]):
    """(x - mean) / sqrt(var + eps) * scale + bias, statistics over the axes from ``axis`` on;
    scale and bias have the shape of those axes."""
    x, scale = need(ins, 0, "X"), need(ins, 1, "scale")
    numeric_input(x, "LayerNorm")
    axis = norm_axis(a["axis"], x.rank)
    normalized = x.shape[axis:]
    for spec in (scale, ins[2] if len(ins) > 2 else None):
        if spec is not None:
            require(spec.shape == normalized, f"LayerNorm scale/bias must be {normalized}, got {spec.shape}")
    return [(x.shape, x.dtype)]


@register_op("GroupNorm", ["X", "scale", "bias"],
             {"num_groups": AttrSpec("int"), "epsilon": AttrSpec("float", 1e-5)},
             weights=["scale", "bias"], family="nn")
def group_norm(ins: Ins, a: dict[str, Any]):
    """Normalization over each group of channels (and every spatial axis), then a per-channel
    scale and bias (C,)."""
    x = need(ins, 0, "X")
    numeric_input(x, "GroupNorm")
    require(x.rank >= 2 and a["num_groups"] > 0 and x.shape[1] % a["num_groups"] == 0,
            f"GroupNorm needs channels {x.shape[1] if x.rank > 1 else '?'} divisible by num_groups "
            f"{a['num_groups']}")
    for i, name in ((1, "scale"), (2, "bias")):
        require(need(ins, i, name).shape == (x.shape[1],),
                f"GroupNorm {name} must be ({x.shape[1]},), got {ins[i].shape}")
    return [(x.shape, x.dtype)]


@register_op("InstanceNorm", ["X", "scale", "bias"], {"epsilon": AttrSpec("float", 1e-5)},
             weights=["scale", "bias"], family="nn")
def instance_norm(ins: Ins, a: dict[str, Any]):
    """Normalization of each (sample, channel) over the spatial axes, then per-channel scale, bias."""
    x = need(ins, 0, "X")
    numeric_input(x, "InstanceNorm")
    require(x.rank >= 3, f"InstanceNorm needs N, C and spatial axes, got {x.shape}")
    for i, name in ((1, "scale"), (2, "bias")):
        require(need(ins, i, name).shape == (x.shape[1],),
                f"InstanceNorm {name} must be ({x.shape[1]},), got {ins[i].shape}")
    return [(x.shape, x.dtype)]
