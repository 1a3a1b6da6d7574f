"""Registries of passes (by name) and of named flows composed from them.

A flow is a list of registered pass names run to a fixed point, optionally after
another flow (``cmodel`` runs on the output of ``reconstruct``), with the options it
accepts and the IR name its result is written under. Packages above the passes
(quantization, pruning) register their own passes and flows here.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from frontc.ir.errors import OptionError
from frontc.passes.base import Pass

PassFactory = Callable[..., Pass]
_PASSES: dict[str, PassFactory] = {}
_FLOWS: dict[str, Flow] = {}


@dataclass(frozen=True)
class Flow:
    """A named list of passes; ``after`` names the flow whose output it starts from."""

    name: str
    passes: tuple[str, ...]
    after: str | None = None
    ir_name: str | None = None
    options: tuple[str, ...] = ()
    doc: str = ""


def register_pass(name: str, factory: PassFactory) -> None:
    """Register ``factory`` (a Pass class or function; keyword arguments are its options) as ``name``."""
    if name in _PASSES:
        raise ValueError(f"pass {name} is registered twice")
    _PASSES[name] = factory


def register_flow(name: str, passes: Sequence[str], *, after: str | None = None,
                  ir_name: str | None = None, options: Sequence[str] = (), doc: str = "") -> Flow:
    """Register the flow ``name``: registered passes in order, run to a fixed point."""
    if name in _FLOWS:
        raise ValueError(f"flow {name} is registered twice")
    missing = [p for p in passes if p not in _PASSES]
    if missing:
        raise ValueError(f"flow {name} names unregistered passes {missing}")
    flow = _FLOWS[name] = Flow(name, tuple(passes), after, ir_name, tuple(options), doc)
    return flow


def get_flow(name: str) -> Flow:
    """The flow called ``name``; OptionError naming the known flows."""
    _load_flows()
    if name not in _FLOWS:
        raise OptionError(f"unknown flow '{name}'", hint=f"choose one of {flow_names()}")
    return _FLOWS[name]


def flow_names() -> list[str]:
    _load_flows()
    return sorted(_FLOWS)


def pass_names() -> list[str]:
    _load_flows()
    return sorted(_PASSES)


def build_passes(flow: Flow, options: dict[str, Any] | None = None) -> list[Pass]:
    """Instantiate the flow's passes, giving each the options its factory accepts."""
    options = dict(options or {})
    unknown = sorted(set(options) - set(flow.options))
    if unknown:
        raise OptionError(f"flow '{flow.name}' has no option(s) {unknown}",
                          hint=f"its options: {list(flow.options) or 'none'}")
    passes = []
    for name in flow.passes:
        factory = _PASSES[name]
        accepted = inspect.signature(factory).parameters
        passes.append(factory(**{k: v for k, v in options.items() if k in accepted}))
    return passes


def chain(names: Sequence[str]) -> list[Flow]:
    """The flows ``names`` plus every flow they start after, each after its base."""
    order: list[Flow] = []

    def visit(name: str, seen: tuple[str, ...]) -> None:
        if name in seen:
            raise OptionError(f"flows {list(seen)} start after each other in a cycle")
        flow = get_flow(name)
        if flow.after:
            visit(flow.after, (*seen, name))
        if flow not in order:
            order.append(flow)

    for name in names:
        visit(name, ())
    return order


def _load_flows() -> None:
    import frontc.passes.pipeline  # noqa: F401  (registers the built-in passes and flows)
