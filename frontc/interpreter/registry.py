"""Kernel registry: one numpy function per IR op, ``fn(inputs, attrs) -> array | list``."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from frontc.ir.errors import UnsupportedOpError

Kernel = Callable[[list[Any], dict[str, Any]], "np.ndarray | list[np.ndarray]"]
_KERNELS: dict[str, Kernel] = {}


def kernel(*ops: str) -> Callable[[Kernel], Kernel]:
    """Register the decorated function as the reference kernel of ``ops``."""

    def decorate(fn: Kernel) -> Kernel:
        for op in ops:
            if op in _KERNELS:
                raise ValueError(f"a kernel for {op} is registered twice")
            _KERNELS[op] = fn
        return fn

    return decorate


def get_kernel(op: str) -> Kernel:
    import frontc.interpreter.kernels  # noqa: F401  (registers every kernel)
    try:
        return _KERNELS[op]
    except KeyError:
        raise UnsupportedOpError(f"the interpreter has no kernel for op '{op}'") from None


def kernel_ops() -> list[str]:
    import frontc.interpreter.kernels  # noqa: F401
    return sorted(_KERNELS)
