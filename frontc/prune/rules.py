"""``generate_prune_dict(model, rate, rules)``: which parameters to prune, and how much.

Rules (a dict or ``PruneRules``):
- ``ops``: the layer kinds to prune: ``("conv",)`` (default), ``("conv", "dense")``; ``"depthwise"``
  convs only when listed;
- ``skip_first_conv`` (default True) and ``skip_classifier`` (default True: the last Dense);
- ``min_size``: parameters with fewer elements are left dense (default 0);
- ``overrides``: {name or regex: rate or None}; a full-name match wins over a regex
  (``re.fullmatch``), None leaves the parameter dense. Every override must match some parameter.
Names are the framework's (``frontc.prune.frameworks``): ``module.`` prefixes are removed.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from frontc.ir.errors import OptionError
from frontc.prune.frameworks import Adapter, adapter_for, normalize_name
from frontc.prune.prune import check_rate

KINDS = ("conv", "depthwise", "dense")


@dataclass
class PruneRules:
    """What ``generate_prune_dict`` prunes (see the module docstring)."""

    ops: tuple[str, ...] = ("conv",)
    skip_first_conv: bool = True
    skip_classifier: bool = True
    min_size: int = 0
    overrides: dict[str, float | None] = field(default_factory=dict)


def _rules(rules: PruneRules | Mapping[str, Any] | None) -> PruneRules:
    if rules is None:
        return PruneRules()
    if isinstance(rules, PruneRules):
        out = rules
    elif isinstance(rules, Mapping):
        known = {f.name for f in fields(PruneRules)}
        unknown = sorted(set(rules) - known)
        if unknown:
            raise OptionError(f"rules: unknown key(s) {unknown}", hint=f"use {sorted(known)}")
        out = PruneRules(**rules)
    else:
        raise OptionError(f"rules must be a dict or PruneRules, got {type(rules).__name__}")
    bad = [op for op in out.ops if op not in KINDS]
    if bad or isinstance(out.ops, str):
        raise OptionError(f"rules ops={out.ops!r}: unknown layer kind(s) {bad or [out.ops]}",
                          hint=f"a tuple of {list(KINDS)}")
    return out


def _override(name: str, overrides: Mapping[str, Any], used: set[str]) -> tuple[bool, Any]:
    if name in overrides:
        used.add(name)
        return True, overrides[name]
    for key, value in overrides.items():
        if re.fullmatch(key, name):
            used.add(key)
            return True, value
    return False, None


def generate_prune_dict(model: Any, rate: float, rules: PruneRules | Mapping[str, Any] | None = None
                        ) -> dict[str, float]:
    """{parameter name: rate} for ``model`` (a torch Module, Gluon Block or Keras Model) by ``rules``."""
    rate = check_rate("<rate>", rate)
    params = model if isinstance(model, Adapter) else adapter_for(model)
    rules = _rules(rules)
    overrides = {normalize_name(k): v for k, v in rules.overrides.items()}
    for key in overrides:
        try:
            re.compile(key)
        except re.error as exc:
            raise OptionError(f"rules overrides key {key!r} is not a name or a valid regex ({exc})") from None
    convs = [n for n in params.params if params.kinds[n] in ("conv", "depthwise")]
    dense = [n for n in params.params if params.kinds[n] == "dense"]
    skip = set()
    if rules.skip_first_conv and convs:
        skip.add(convs[0])
    if rules.skip_classifier and dense:
        skip.add(dense[-1])
    out, used = {}, set()
    for name in params.params:
        matched, value = _override(name, overrides, used)
        if matched:
            if value is not None:
                out[name] = check_rate(name, value)
            continue
        size = int(np.prod(params.shape(name)))
        if params.kinds[name] in rules.ops and name not in skip and size >= rules.min_size:
            out[name] = rate
    unused = sorted(set(overrides) - used)
    if unused:
        raise OptionError(f"rules overrides {unused} match no parameter of the model",
                          hint=f"parameters look like {list(params.params)[:3]}")
    return {name: value for name, value in out.items() if value > 0}
