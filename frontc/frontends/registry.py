"""Converter registries: one per frontend, keyed by source op type and version.

A converter is a function of (source node, context) that adds IR nodes through
the context's GraphBuilder and returns the IR tensor names of the source node's
outputs. Registering the same (op, version) twice is an error; lookup picks the
newest version not above the model's (opset for ONNX; 0 where there is none).
"""
from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from frontc.ir.errors import UnsupportedOpError

Converter = Callable[[Any, Any], Sequence[str]]


class ConverterRegistry:
    """Converters of one framework."""

    def __init__(self, framework: str) -> None:
        self.framework = framework
        self._by_op: dict[str, dict[int, Converter]] = {}

    def register(self, *ops: str, since: int = 0) -> Callable[[Converter], Converter]:
        """Decorator: ``fn`` converts each of ``ops`` from version ``since`` on."""

        def decorate(fn: Converter) -> Converter:
            for op in ops:
                versions = self._by_op.setdefault(op, {})
                if since in versions:
                    raise ValueError(f"{self.framework} converter for {op} (since {since}) "
                                     "is registered twice")
                versions[since] = fn
            return fn

        return decorate

    def lookup(self, op: str, version: int = 0) -> Converter | None:
        versions = self._by_op.get(op)
        if not versions:
            return None
        keys = sorted(versions)
        i = bisect.bisect_right(keys, version)
        return versions[keys[i - 1]] if i else None

    def ops(self) -> list[str]:
        return sorted(self._by_op)

    def check_supported(self, nodes: Iterable[tuple[str, str]], *, version: int = 0,
                        source: str = "", framework_version: str = "") -> None:
        """Raise one UnsupportedOpError listing every (op, name) pair without a converter."""
        missing: dict[str, list[str]] = {}
        for op, name in nodes:
            if self.lookup(op, version) is None:
                missing.setdefault(op, []).append(name)
        if missing:
            raise unsupported_error(self.framework, missing, source=source,
                                    framework_version=framework_version, version=version)


def unsupported_error(framework: str, missing: dict[str, list[str]], *, source: str = "",
                      framework_version: str = "", version: int = 0) -> UnsupportedOpError:
    """One error naming every unsupported op with its count and first node names."""
    counts = Counter({op: len(names) for op, names in missing.items()})
    parts = [f"{op} x{count} ({', '.join(missing[op][:3])}{', ...' if count > 3 else ''})"
             for op, count in sorted(counts.items())]
    where = f"{framework} {framework_version}".strip()
    if version:
        where += f", opset {version}"
    return UnsupportedOpError(f"{len(counts)} unsupported op type(s) in the model ({where}): "
                              + "; ".join(parts), path=source or None,
                              hint="nothing was converted; please report these ops")
