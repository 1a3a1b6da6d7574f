"""``Prune``: gradual magnitude pruning inside a PyTorch or MXNet Gluon training loop.

    prune = Prune(net, pretrain_step=0, sparse_step=2000, frequency=100, prune_dict=prune_dict)
    for x, y in batches:
        loss = loss_fn(net(x), y); loss.backward()       # Gluon: with autograd.record(): ...
        prune.prepare()                                  # masks the gradients
        optimizer.step()                                 # Gluon: trainer.step(batch_size)
        prune.prune()                                    # updates masks on schedule, re-masks the weights

``prune()`` multiplies every pruned weight by its mask after each optimizer step, so momentum,
weight decay or Adam moments can never move a pruned weight off exactly zero.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from frontc.ir.errors import OptionError
from frontc.prune.frameworks import Adapter, adapter_for
from frontc.prune.masks import Pattern, check_shape, global_masks, lamp_masks, mask_for, parse_pattern
from frontc.prune.schedule import check_steps, progress, sparsity_at

SCOPES = ("layer", "global", "lamp")


def check_rate(key: str, rate: Any) -> float:
    """``rate`` as a float in [0, 1); OptionError naming ``key`` otherwise."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= float(rate) < 1.0:
        raise OptionError(f"prune_dict['{key}']={rate!r}: the sparse rate must be a number in [0, 1)",
                          hint="0.9 prunes 90% of the weights")
    return float(rate)


def resolve_prune_dict(prune_dict: Mapping[str, Any], params: Adapter,
                       pattern: str) -> dict[str, tuple[float, Pattern]]:
    """Canonical parameter name -> (target rate, pattern), every key and value checked."""
    if not isinstance(prune_dict, Mapping):
        raise OptionError(f"prune_dict must be a dict of parameter name -> rate, got {type(prune_dict).__name__}")
    default = parse_pattern(pattern)
    targets: dict[str, tuple[float, Pattern]] = {}
    for key, value in prune_dict.items():
        name = params.resolve(str(key))
        if name is None:
            close = [n for n in params.params if n.endswith(str(key).split(".")[-1])][:3]
            raise OptionError(f"prune_dict key '{key}' names no parameter of the model",
                              hint=f"parameters look like {close or list(params.params)[:3]}")
        if isinstance(value, Mapping):
            rate, kind = value.get("rate"), parse_pattern(str(value.get("pattern", pattern)))
        else:
            rate, kind = value, default
        rate = check_rate(str(key), rate)
        check_shape(name, params.shape(name), kind)
        if kind.fixed_rate is not None and rate != kind.fixed_rate:
            raise OptionError(f"prune_dict['{key}']={rate}: pattern {kind} prunes exactly {kind.fixed_rate}",
                              hint=f"give rate {kind.fixed_rate} for {kind} layers")
        if rate > 0:
            targets[name] = (rate, kind)
    return targets


class Prune:
    """Masks the parameters of ``prune_dict`` to their sparse rates along a schedule during training."""

    def __init__(self, model: Any, pretrain_step: int, sparse_step: int, frequency: int,
                 prune_dict: Mapping[str, Any], schedule: str = "polynomial", pattern: str = "unstructured",
                 scope: str = "layer") -> None:
        check_steps(pretrain_step, sparse_step, frequency, schedule)
        if scope not in SCOPES:
            raise OptionError(f"scope={scope!r}: unknown", hint=f"use one of {list(SCOPES)}")
        self.pretrain_step, self.sparse_step, self.frequency = pretrain_step, sparse_step, frequency
        self.schedule, self.scope = schedule, scope
        self.params = adapter_for(model)
        self.targets = resolve_prune_dict(prune_dict, self.params, pattern)
        if scope != "layer" and any(p.kind != "unstructured" for _, p in self.targets.values()):
            raise OptionError(f"scope={scope!r} ranks single weights: it takes the 'unstructured' pattern only")
        self.step = 0

    def prepare(self) -> None:
        """After the backward pass: zero the gradients of pruned weights."""
        for name in self.params.masks:
            self.params.mask_grad(name)

    def prune(self) -> None:
        """After the optimizer step: recompute the masks when the schedule says so, then re-mask the weights."""
        p = progress(self.step, self.pretrain_step, self.sparse_step, self.frequency)
        if p is not None:
            self._update(p)
        for name in self.params.masks:
            self.params.apply(name)
        self.step += 1

    def _update(self, p: float) -> None:
        weights = {name: self.params.numpy(name) for name in self.targets}
        if self.scope != "layer":
            ranked = global_masks if self.scope == "global" else lamp_masks
            by_rate: dict[float, list[str]] = {}
            for name, (rate, _) in self.targets.items():
                by_rate.setdefault(rate, []).append(name)
            for rate, names in by_rate.items():
                masks = ranked({n: weights[n] for n in names}, sparsity_at(rate, p, self.schedule))
                for name, mask in masks.items():
                    self.params.set_mask(name, mask)
            return
        for name, (rate, kind) in self.targets.items():
            self.params.set_mask(name, mask_for(weights[name], sparsity_at(rate, p, self.schedule), kind))

    @property
    def finished(self) -> bool:
        """Whether the masks are final (the sparse steps are over)."""
        return self.step >= self.pretrain_step + self.sparse_step

    def masks(self) -> dict[str, np.ndarray]:
        """The current masks (1 kept, 0 pruned) in the IR layout (output channel first), by parameter name."""
        return dict(self.params.numpy_masks)

    def sparsity(self) -> dict[str, float]:
        """The measured share of exact zeros of each pruned parameter."""
        return {name: float(np.mean(self.params.numpy(name) == 0)) for name in self.targets}

    def patterns(self) -> dict[str, dict[str, Any]]:
        """Parameter name -> {'pattern': str, 'rate': target} for recording in the IR."""
        if self.scope != "layer":   # one threshold: each layer's share is what its mask prunes
            return {name: {"pattern": str(kind), "rate": float(1.0 - self.params.numpy_masks[name].mean())}
                    for name, (_, kind) in self.targets.items() if name in self.params.numpy_masks}
        return {name: {"pattern": str(kind), "rate": rate} for name, (rate, kind) in self.targets.items()}
