"""Helpers shared by the CLI verbs: reading arrays and graphs, arrays as bytes, the --force flag."""
from __future__ import annotations

import argparse
import io

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.ir.serialize import load_graph


def read_graph(graph: str, params: str | None = None) -> Graph:
    return load_graph(graph, params)


def read_npy(path: str) -> np.ndarray:
    """An array from a .npy file, never unpickling."""
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise OptionError("file not found", path=path) from None
    except ValueError as exc:
        raise OptionError(f"not a numeric .npy array ({exc})", path=path,
                          hint="save inputs with numpy.save") from None
    except (OSError, EOFError) as exc:
        raise OptionError(f"cannot read .npy file: {exc}", path=path) from None


def npy_bytes(value: np.ndarray) -> bytes:
    """``value`` as the bytes of a .npy file (never pickled)."""
    buffer = io.BytesIO()
    np.save(buffer, value, allow_pickle=False)
    return buffer.getvalue()


def add_force(parser: argparse.ArgumentParser) -> None:
    """The --force flag of every command that writes (frontc.outputs: nothing is replaced without it)."""
    parser.add_argument("--force", action="store_true", help="replace outputs that already exist")


def named_paths(items: list[str], names: list[str], option: str) -> dict[str, str]:
    """``NAME=PATH`` items by name; a bare ``PATH`` is allowed when there is one name."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep:
            if len(items) != 1 or len(names) != 1:
                raise OptionError(f"{option} {item}: the graph has {len(names)} tensors {names}",
                                  hint=f"write {option} NAME=PATH for each")
            name, path = names[0], item
        if name not in names:
            raise OptionError(f"{option} {item}: '{name}' is not one of {names}")
        out[name] = path
    return out

