"""Layer factories by IR op: ``@factory("Conv")`` registers ``fn(ctx, node, attrs)``.

A factory reads its inputs from the BuildContext, adds Keras layers through it and
records its outputs there; registering an op twice is an error.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Graph, Node

if TYPE_CHECKING:
    from frontc.backends.tf.context import BuildContext

Factory = Callable[["BuildContext", Node, dict[str, Any]], None]
_FACTORIES: dict[str, Factory] = {}


def factory(*ops: str) -> Callable[[Factory], Factory]:
    """Register the decorated function as the Keras factory of ``ops``."""

    def decorate(fn: Factory) -> Factory:
        for op in ops:
            if op in _FACTORIES:
                raise ValueError(f"a Keras factory for {op} is registered twice")
            _FACTORIES[op] = fn
        return fn

    return decorate


def _load() -> None:
    from frontc.backends.tf import (  # noqa: F401  (registers every factory)
        convert_bitwise,
        convert_detection,
        convert_elementwise,
        convert_ext,
        convert_nn,
        convert_pool,
        convert_recurrent,
        convert_resize,
        convert_shape,
        convert_tensor,
    )


def get_factory(op: str) -> Factory:
    _load()
    return _FACTORIES[op]


def supported_ops() -> list[str]:
    _load()
    return sorted(_FACTORIES)


def check_supported(graph: Graph) -> None:
    """Scan the whole graph first; one UnsupportedOpError listing every op without a factory."""
    _load()
    missing: dict[str, list[str]] = {}
    for node in graph.nodes:
        if node.op not in _FACTORIES:
            missing.setdefault(node.op, []).append(node.name)
    if missing:
        listed = ", ".join(f"{op} x{len(names)} (first: '{names[0]}')" for op, names in sorted(missing.items()))
        raise UnsupportedOpError(f"no Keras layer for {len(missing)} op(s): {listed}",
                                 node=next(iter(missing.values()))[0],
                                 hint="lower these ops to supported IR ops first")
