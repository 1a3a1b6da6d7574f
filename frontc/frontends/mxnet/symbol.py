"""Read an MXNet ``-symbol.json`` and its string attributes.

The file holds ``nodes`` (``op``, ``name``, string ``attrs``, ``inputs`` as
``[node, output_index, version]``), ``arg_nodes``, ``heads`` and ``attrs``
(``mxnet_version: ["int", 10901]``). Older files keep attributes under
``attr`` or ``param`` and inputs as ``[node, output_index]``. The arguments are
the ``null`` nodes, so ``arg_nodes`` is not needed.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.ir.errors import ModelLoadError

_MISSING = object()
_TRUE, _FALSE = ("true", "1"), ("false", "0")


def _scalar(text: str) -> int | float | bool | str | None:
    """One attribute item: None, a bool, an int, a float, or the bare string."""
    text = text.strip().strip("'\"")
    lower = text.lower()
    if lower == "none":
        return None
    if lower in ("true", "false"):
        return lower == "true"
    try:
        return int(text.rstrip("Ll"))
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse_tuple(text: str) -> tuple[Any, ...]:
    """``"(3, 3)"``, ``"[1,2]"``, ``"(3L,)"``, ``"()"``, ``"(None, 2)"`` or a bare ``"3"``."""
    body = text.strip()
    if body[:1] in "([" and body[-1:] in ")]":
        body = body[1:-1]
    return tuple(_scalar(item) for item in body.split(",") if item.strip())


@dataclass
class MxNode:
    """One node of the symbol: ``op`` (``null`` for arguments), ``name``, string attributes, inputs."""

    index: int
    op: str
    name: str
    attrs: dict[str, str] = field(default_factory=dict)
    inputs: list[tuple[int, int]] = field(default_factory=list)
    path: str = ""

    def _raw(self, key: str, default: Any) -> Any:
        if key not in self.attrs:
            if default is _MISSING:
                raise ModelLoadError(f"{self.op} lacks attribute '{key}'", path=self.path or None,
                                     node=self.name)
            return _MISSING
        return self.attrs[key]

    def _bad(self, key: str, kind: str) -> ModelLoadError:
        return ModelLoadError(f"attribute {key}={self.attrs[key]!r} of {self.op} is not {kind}",
                              path=self.path or None, node=self.name)

    def has(self, key: str) -> bool:
        return key in self.attrs and _scalar(self.attrs[key]) is not None

    def get_str(self, key: str, default: Any = _MISSING) -> str:
        raw = self._raw(key, default)
        return default if raw is _MISSING else raw.strip().strip("'\"")

    def get_int(self, key: str, default: Any = _MISSING) -> int:
        raw = self._raw(key, default)
        if raw is _MISSING:
            return default
        value = _scalar(raw)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._bad(key, "an integer")
        return value

    def get_float(self, key: str, default: Any = _MISSING) -> float:
        raw = self._raw(key, default)
        if raw is _MISSING:
            return default
        value = _scalar(raw)
        if isinstance(value, str) and value.lower() in ("inf", "-inf", "nan"):
            return float(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._bad(key, "a number")
        return float(value)

    def get_bool(self, key: str, default: Any = _MISSING) -> bool:
        raw = self._raw(key, default)
        if raw is _MISSING:
            return default
        text = raw.strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise self._bad(key, "a boolean")

    def get_tuple(self, key: str, default: Any = _MISSING) -> tuple[Any, ...]:
        """A tuple attribute; items may be None (as in ``slice`` begins)."""
        raw = self._raw(key, default)
        if raw is _MISSING:
            return default
        if _scalar(raw) is None:
            return ()
        value = parse_tuple(raw)
        if not all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in value):
            raise self._bad(key, "a tuple of numbers")
        return value

    def get_ints(self, key: str, default: Any = _MISSING) -> tuple[int, ...]:
        value = self.get_tuple(key, default)
        if not all(isinstance(v, int) or (isinstance(v, float) and math.isfinite(v) and v.is_integer())
                   for v in value):
            raise self._bad(key, "a tuple of integers")
        return tuple(int(v) for v in value)


@dataclass
class Symbol:
    """A parsed ``-symbol.json``."""

    nodes: list[MxNode]
    heads: list[tuple[int, int]]
    mxnet_version: int | None
    path: str

    @property
    def version_text(self) -> str:
        """``"1.9.1"`` from ``10901``, or a note that the file records none."""
        v = self.mxnet_version
        if v is None:
            return "(no mxnet_version recorded)"
        return f"{v // 10000}.{v // 100 % 100}.{v % 100}"


def _entry(item: Any, count: int, where: str, path: str) -> tuple[int, int]:
    if not isinstance(item, list) or len(item) < 2 or not all(isinstance(v, int) for v in item[:2]) \
            or not 0 <= item[0] < count:
        raise ModelLoadError(f"{where}: bad node entry {item!r}", path=path)
    return item[0], item[1]


def read_symbol(path: str | Path) -> Symbol:
    """Parse and check a symbol JSON file; ModelLoadError naming the file when it is malformed."""
    path = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelLoadError(f"cannot read MXNet symbol file: {exc.strerror}", path=path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"not a valid MXNet symbol JSON: {exc}", path=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) \
            or not isinstance(data.get("heads"), list):
        raise ModelLoadError("not an MXNet symbol JSON: 'nodes' and 'heads' lists are missing", path=path)
    raw_nodes = data["nodes"]
    nodes = []
    for i, raw in enumerate(raw_nodes):
        if not isinstance(raw, dict) or not isinstance(raw.get("op"), str) \
                or not isinstance(raw.get("name"), str):
            raise ModelLoadError(f"node {i} lacks a string 'op' or 'name'", path=path)
        attrs = raw.get("attrs", raw.get("attr", raw.get("param"))) or {}
        inputs = [_entry(item, i, f"inputs of node '{raw['name']}'", path)
                  for item in raw.get("inputs", [])]
        nodes.append(MxNode(i, raw["op"], raw["name"], {str(k): str(v) for k, v in attrs.items()},
                            inputs, path))
    heads = [_entry(item, len(nodes), "heads", path) for item in data["heads"]]
    version = (data.get("attrs") or {}).get("mxnet_version")
    version = version[1] if isinstance(version, list) and len(version) == 2 else None
    return Symbol(nodes, heads, version if isinstance(version, int) else None, path)
