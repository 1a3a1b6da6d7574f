"""The PyTorch converter registry, keyed by aten overload name (``aten.conv2d.default``)."""
from __future__ import annotations

from frontc.frontends.registry import ConverterRegistry

REG = ConverterRegistry("torch")


def op_key(target: object) -> str:
    """The registry key of an fx call_function target: ``aten.add.Tensor``, ``getitem``."""
    name = getattr(target, "__name__", None)
    if getattr(target, "__module__", None) == "_operator" and name:
        return name
    return str(target)
