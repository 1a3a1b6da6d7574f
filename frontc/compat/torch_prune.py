"""``torch.nn.utils.prune`` re-parametrization: ``weight_orig`` and ``weight_mask`` folded into ``weight``.

A module pruned with ``torch.nn.utils.prune`` holds a parameter ``<name>_orig``, a buffer
``<name>_mask`` and a forward pre-hook that sets ``<name> = <name>_orig * <name>_mask``; its
state_dict has the two keys instead of ``<name>``. frontc takes the product, which is what the
module computes with.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

ORIG, MASK = "_orig", "_mask"


def fold_state_dict(state: Mapping[str, Any]) -> dict[str, Any]:
    """``state`` with every ``X_orig`` / ``X_mask`` pair replaced by ``X = X_orig * X_mask``."""
    out = dict(state)
    for key in list(state):
        if key.endswith(ORIG) and key[: -len(ORIG)] + MASK in state:
            base = key[: -len(ORIG)]
            out[base] = state[key] * state[base + MASK]
            del out[key], out[base + MASK]
    return out


def has_reparametrization(model: Any) -> bool:
    """Whether any submodule of ``model`` carries a torch.nn.utils.prune hook."""
    from torch.nn.utils import prune

    return any(isinstance(hook, prune.BasePruningMethod)
               for module in model.modules() for hook in module._forward_pre_hooks.values())


def removed(model: Any) -> Any:
    """A deep copy of ``model`` with every torch.nn.utils.prune hook made permanent (``prune.remove``)."""
    from torch.nn.utils import prune

    model = copy.deepcopy(model)
    for module in model.modules():
        for hook in list(module._forward_pre_hooks.values()):
            if isinstance(hook, prune.BasePruningMethod):
                prune.remove(module, hook._tensor_name)
    return model
