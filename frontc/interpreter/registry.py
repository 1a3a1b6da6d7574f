"""Kernel registry: one numpy function per IR op, plus node-aware variants chosen by annotation.

A plain kernel is ``fn(inputs, attrs) -> array | list``. A *variant* (for example the
quantized or integer version of an op) is registered under a name and receives the node
too: ``fn(inputs, attrs, node)``. A node runs variant ``node.meta["kernel_variant"]`` when
it names one; a variant registered for op ``"*"`` serves every op that has none of its own.
Packages above the interpreter say which module provides a variant (``provide_variant``),
so it is imported only when a graph needs it.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Node

Kernel = Callable[[list[Any], dict[str, Any]], "np.ndarray | list[np.ndarray]"]
NodeKernel = Callable[[list[Any], dict[str, Any], Node], "np.ndarray | list[np.ndarray]"]
VARIANT_KEY = "kernel_variant"
ANY_OP = "*"
_KERNELS: dict[str, Kernel] = {}
_VARIANTS: dict[tuple[str, str], NodeKernel] = {}
_PROVIDERS: dict[str, str] = {}


def kernel(*ops: str, variant: str = "") -> Callable[[Any], Any]:
    """Register the decorated function as the reference kernel of ``ops`` (or as ``variant`` of them)."""

    def decorate(fn: Any) -> Any:
        for op in ops:
            table: dict[Any, Any] = _VARIANTS if variant else _KERNELS
            key: Any = (op, variant) if variant else op
            if key in table:
                raise ValueError(f"a kernel for {op}{f' ({variant})' if variant else ''} is registered twice")
            table[key] = fn
        return fn

    return decorate


def provide_variant(variant: str, module: str) -> None:
    """Say that importing ``module`` registers the kernels of ``variant``."""
    _PROVIDERS[variant] = module


def get_kernel(op: str) -> Kernel:
    import frontc.interpreter.kernels  # noqa: F401  (registers every kernel)
    try:
        return _KERNELS[op]
    except KeyError:
        raise UnsupportedOpError(f"the interpreter has no kernel for op '{op}'") from None


def get_variant(op: str, variant: str) -> NodeKernel:
    """The ``variant`` kernel of ``op`` (or the variant's catch-all); UnsupportedOpError if none."""
    if variant in _PROVIDERS:
        importlib.import_module(_PROVIDERS[variant])
    for key in ((op, variant), (ANY_OP, variant)):
        if key in _VARIANTS:
            return _VARIANTS[key]
    raise UnsupportedOpError(f"no '{variant}' kernel for op '{op}'",
                             hint=f"ops with one: {variant_ops(variant)}")


def variant_ops(variant: str) -> list[str]:
    """The ops that have a kernel of ``variant``."""
    if variant in _PROVIDERS:
        importlib.import_module(_PROVIDERS[variant])
    return sorted(op for op, v in _VARIANTS if v == variant)


def call_kernel(node: Node, inputs: list[Any], attrs: dict[str, Any]) -> np.ndarray | list[np.ndarray]:
    """Run ``node``: its annotated variant when ``meta['kernel_variant']`` names one, else the plain kernel."""
    variant = node.meta.get(VARIANT_KEY)
    if variant:
        return get_variant(node.op, variant)(inputs, attrs, node)
    return get_kernel(node.op)(inputs, attrs)


def kernel_ops() -> list[str]:
    import frontc.interpreter.kernels  # noqa: F401
    return sorted(_KERNELS)
