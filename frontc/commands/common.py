"""Helpers shared by the CLI verbs: reading arrays, feeds and graphs, arrays as bytes, option types, --force."""
from __future__ import annotations

import argparse
import io
import math
from collections.abc import Callable

import numpy as np

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.ir.serialize import load_graph


def read_graph(graph: str, params: str | None = None) -> Graph:
    return load_graph(graph, params)


def read_npy(path: str) -> np.ndarray:
    """A numeric array from a .npy file, never unpickling; OptionError naming what the file is instead."""
    try:
        with open(path, "rb") as f:
            magic = f.read(6)
    except FileNotFoundError:
        raise OptionError("file not found", path=path) from None
    except IsADirectoryError:
        raise OptionError("is a folder, a .npy file is expected", path=path) from None
    except OSError as exc:
        raise OptionError(f"cannot read: {exc.strerror}", path=path) from None
    if magic.startswith(b"PK"):
        raise OptionError("is a .npz archive, a .npy array is expected", path=path,
                          hint="save each array with numpy.save")
    if magic != b"\x93NUMPY":
        raise OptionError("not a .npy file (" + ("empty" if not magic else "no NumPy header") + ")", path=path,
                          hint="save arrays with numpy.save")
    try:
        value = np.load(path, allow_pickle=False)
    except ValueError as exc:
        reason = "holds object (pickled) arrays, which are never loaded" if "pickle" in str(exc) \
            else f"corrupted .npy file ({exc})"
        raise OptionError(reason, path=path, hint="save numeric arrays with numpy.save") from None
    except (OSError, EOFError) as exc:
        raise OptionError(f"truncated or corrupted .npy file ({exc})", path=path) from None
    if value.dtype.kind not in "biuf":
        raise OptionError(f"holds {value.dtype} values; numbers (bool, int or float) are expected", path=path)
    return value


def as_dtype(value: np.ndarray, dtype: str, path: str) -> np.ndarray:
    """``value`` in ``dtype``, saying so when it converts; OptionError when the values do not fit."""
    if value.dtype == np.dtype(dtype):
        return value
    converted = value.astype(dtype)
    lossy = np.issubdtype(np.dtype(dtype), np.integer) and value.dtype.kind == "f" \
        or value.dtype.kind in "iub" and not np.array_equal(converted.astype(value.dtype), value) \
        or (np.isfinite(value).all() and not np.isfinite(converted).all())
    if lossy:
        raise OptionError(f"holds {value.dtype} values that {dtype} cannot represent", path=path,
                          hint=f"save the array as {dtype}")
    print(f"note: {path} holds {value.dtype}; converted to {dtype}, the graph's input dtype")
    return converted


def read_feeds(graph: Graph, items: list[str], option: str = "--input_npy") -> dict[str, np.ndarray]:
    """The graph's inputs from ``NAME=X.npy`` items, converted to the inputs' dtypes (with a note)."""
    paths = named_paths(items, graph.input_names, option)
    return {spec.name: as_dtype(read_npy(paths[spec.name]), spec.dtype, paths[spec.name])
            for spec in graph.inputs if spec.name in paths}


def in_range(kind: type, least: float = 0, most: float = math.inf) -> Callable[[str], int | float]:
    """An argparse type: a finite number of ``kind`` (int or float) from ``least`` to ``most``."""
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not {'an integer' if kind is int else 'a number'}") \
                from None
        if not math.isfinite(value) or not least <= value <= most:
            raise argparse.ArgumentTypeError(f"'{text}' must be a finite number from {least:g}" +
                                             (f" to {most:g}" if math.isfinite(most) else " up"))
        return value
    parse.__name__ = kind.__name__
    return parse


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
        if name in out:
            raise OptionError(f"{option} {item}: '{name}' is given twice", hint="give each name once")
        out[name] = path
    return out

