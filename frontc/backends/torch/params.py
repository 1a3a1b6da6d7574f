"""Names of the reconstructed module's layers, and the state-dict <-> IR params mapping.

Layer keys: every IR node has one entry in ``module.layers`` (an nn.ModuleDict) keyed by
its name sanitized: each character outside [A-Za-z0-9_] becomes '_' (an empty name is '_'),
and a key already taken, by an earlier node or by an attribute of nn.ModuleDict such as
'forward' or 'keys', gets the first free suffix _1, _2, ... ``module.node_keys`` maps IR
node names to keys. Params that no layer holds (constants a node reads, such as the B of an
Add, or Gather indices) are non-trainable buffers of ``module.constants``, named the same way
after the param.

State-dict keys: a param held by a layer is ``layers.<node key>.<slot path>``, e.g.
``layers.stem_conv.conv.weight`` or ``layers.stem_bn.running_mean``; a constant is
``constants.<param key>``. So ``state_dict()`` maps one-to-one onto the params the graph's
nodes read, except that BatchNorm's ``num_batches_tracked`` (no IR param) is skipped, and a
param held by several layers is one tensor shared by all of them (every holder lists it; the
first holder's key is the one read back). ``module.param_keys`` maps IR params to keys.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from frontc.backends.torch.registry import layer_spec
from frontc.compat.torch_prune import fold_state_dict
from frontc.ir.errors import GraphError
from frontc.ir.graph import Graph

SKIPPED_SUFFIX = ".num_batches_tracked"
_RESERVED = frozenset(dir(nn.ModuleDict()))


@dataclass
class ParamPlan:
    """Where every IR param lives in the module built from a graph."""

    node_keys: dict[str, str]
    held: dict[tuple[str, int], str]
    constants: dict[str, str]
    keys: dict[str, list[str]]
    runtime: list[str]

    def key(self, param: str) -> str:
        """The state-dict key a param is read from (its first holder)."""
        return self.keys[param][0]


def sanitize(name: str, taken: set[str]) -> str:
    """``name`` as a module attribute name that is not in ``taken`` nor reserved; adds it to ``taken``."""
    base = re.sub(r"[^0-9A-Za-z_]", "_", name) or "_"
    key, i = base, 1
    while key in taken or key in _RESERVED:
        key, i = f"{base}_{i}", i + 1
    taken.add(key)
    return key


def plan_params(graph: Graph) -> ParamPlan:
    """The layer key of every node and the state-dict keys of every param the nodes read."""
    taken: set[str] = set()
    node_keys = {node.name: sanitize(node.name, taken) for node in graph.nodes}
    held: dict[tuple[str, int], str] = {}
    keys: dict[str, list[str]] = {}
    runtime: list[str] = []
    for node in graph.nodes:
        spec = layer_spec(node.op)
        slots = spec.slots if spec is not None else {}
        for i, tensor in enumerate(node.inputs):
            if tensor not in graph.params:
                continue
            if i in slots:
                key = f"layers.{node_keys[node.name]}.{slots[i]}"
                held[(node.name, i)] = key
                keys.setdefault(tensor, []).append(key)
            elif tensor not in runtime:
                runtime.append(tensor)
    runtime.extend(t for t in graph.outputs if t in graph.params and t not in runtime)
    taken = set()
    constants = {}
    for param in runtime:
        if param not in keys:
            constants[param] = sanitize(param, taken)
            keys[param] = [f"constants.{constants[param]}"]
    return ParamPlan(node_keys, held, constants, keys, runtime)


def _resolve(module: nn.Module, key: str) -> tuple[nn.Module, str]:
    path, _, attr = key.rpartition(".")
    return module.get_submodule(path), attr


def install_params(module: nn.Module, graph: Graph, plan: ParamPlan) -> None:
    """Copy the graph's params into the module's layers (reshaped to the layer's shape), tie
    params held by several layers, and register the constants as buffers."""
    for param, keys in plan.keys.items():
        value = torch.from_numpy(np.array(graph.params[param], copy=True))
        if param in plan.constants:
            module.get_submodule("constants").register_buffer(plan.constants[param], value)
            continue
        owner, attr = _resolve(module, keys[0])
        current = getattr(owner, attr, None)
        if not isinstance(current, torch.Tensor) or current.numel() != value.numel():
            raise GraphError(f"layer attribute '{keys[0]}' does not fit param '{param}'"
                             f"{tuple(value.shape)}", hint="this is a frontc bug; please report it")
        value = value.reshape(current.shape)
        held = nn.Parameter(value, requires_grad=current.requires_grad) \
            if isinstance(current, nn.Parameter) else value
        setattr(owner, attr, held)
        for key in keys[1:]:
            other, other_attr = _resolve(module, key)
            if tuple(getattr(other, other_attr).shape) != tuple(value.shape):
                raise GraphError(f"param '{param}' is shared by layers that need it in different "
                                 f"shapes ('{keys[0]}', '{key}')", hint="give each node its own copy")
            setattr(other, other_attr, held)


def params_from_state_dict(graph: Graph, state_dict: Mapping[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """The graph's params with the values of ``state_dict`` (of a module built by ``to_torch``
    from this graph), in the IR's shapes and dtypes; params no node reads keep their values.
    ``torch.nn.utils.prune``'s ``weight_orig`` / ``weight_mask`` pairs count as their product."""
    state_dict = fold_state_dict(state_dict)
    plan = plan_params(graph)
    known = {key for keys in plan.keys.values() for key in keys}
    unknown = sorted(k for k in state_dict if k not in known and not k.endswith(SKIPPED_SUFFIX))
    if unknown:
        raise GraphError(f"state_dict keys {unknown[:4]} ({len(unknown)} in all) are not params of "
                         f"graph '{graph.name}'", hint="pass the graph the module was built from")
    out = dict(graph.params)
    for param, keys in plan.keys.items():
        if keys[0] not in state_dict:
            raise GraphError(f"state_dict has no '{keys[0]}' for param '{param}' of graph '{graph.name}'",
                             hint="pass a complete state_dict of the module built from this graph")
        value = state_dict[keys[0]].detach().cpu().numpy()
        original = graph.params[param]
        if value.size != original.size:
            raise GraphError(f"state_dict '{keys[0]}' has shape {list(value.shape)}, param '{param}' "
                             f"is {list(original.shape)}", hint="pass the graph the module was built from")
        out[param] = np.array(value.reshape(original.shape), dtype=original.dtype)
    return out


def write_back(graph: Graph, module: nn.Module) -> Graph:
    """A copy of ``graph`` whose params are the module's current parameters and buffers."""
    out = graph.copy()
    out.params = params_from_state_dict(graph, module.state_dict())
    return out
