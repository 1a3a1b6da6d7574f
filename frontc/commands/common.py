"""Helpers shared by the CLI verbs: reading arrays, feeds and graphs, arrays as bytes, option types, --force."""
from __future__ import annotations

import argparse
import ast
import importlib
import io
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


LAYOUTS = ("NCHW", "NHWC")


def add_layout(parser: argparse.ArgumentParser) -> None:
    """--layout: the layout of the 4-D arrays the user gives (and that the command writes)."""
    parser.add_argument("--layout", "--input-layout", choices=LAYOUTS,
                        help="layout of your 4-D arrays (default: the source framework's, NHWC for TF/Keras "
                        "graphs, NCHW for the others); converted once to the IR's NCHW")


def user_layout(graph: Graph, layout: str | None) -> str:
    """The layout of the user's 4-D arrays: ``layout`` if given, else the source framework's."""
    return layout or graph.meta.get("source_layout", "NCHW")


def to_ir(value: np.ndarray, shape: tuple[int, ...], layout: str, path: str) -> np.ndarray:
    """A user's array in the IR's layout: a 4-D NHWC array is transposed to NCHW (with a note)."""
    given = value
    if value.ndim == 4 and layout == "NHWC":
        value = np.ascontiguousarray(value.transpose(0, 3, 1, 2))
    if value.shape != tuple(shape):
        expected = [shape[i] for i in (0, 2, 3, 1)] if len(shape) == 4 and layout == "NHWC" else list(shape)
        other = "NCHW" if layout == "NHWC" else "NHWC"
        raise OptionError(f"has shape {list(given.shape)}; the graph expects {expected} ({layout})", path=path,
                          hint=f"give a {layout} array of that shape, or --layout {other} if yours is {other}"
                          if len(shape) == 4 else "reshape the array")
    if value is not given:
        print(f"note: {path} read as NHWC {list(given.shape)}, transposed to the IR's NCHW")
    return value


def from_ir(value: np.ndarray, layout: str) -> np.ndarray:
    """An IR array in the user's layout (4-D NCHW to NHWC when that is the user's)."""
    return np.ascontiguousarray(value.transpose(0, 2, 3, 1)) if value.ndim == 4 and layout == "NHWC" else value


def read_feeds(graph: Graph, items: list[str], layout: str | None = None,
               option: str = "--input_npy") -> dict[str, np.ndarray]:
    """The graph's inputs from ``NAME=X.npy`` items: dtypes converted (with a note), 4-D arrays from the
    user's layout (see user_layout) to the IR's."""
    paths = named_paths(items, graph.input_names, option)
    order = user_layout(graph, layout)
    return {spec.name: to_ir(as_dtype(read_npy(paths[spec.name]), spec.dtype, paths[spec.name]), spec.shape, order,
                             paths[spec.name]) for spec in graph.inputs if spec.name in paths}


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


def framework(text: str) -> str:
    """An argparse type: a framework name or alias (pytorch, keras...) as the frontend's name."""
    from frontc.frontends import canonical
    try:
        return canonical(text)
    except OptionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_module(parser: argparse.ArgumentParser) -> None:
    """--module: the architecture a torch state_dict file is loaded into."""
    parser.add_argument("--module", metavar="PKG.MOD:CLASS[(ARGS)]",
                        help="for a torch state_dict file: the nn.Module class to load it into, with literal "
                        "constructor arguments, e.g. torchvision.models:resnet18(num_classes=10)")


def with_weights(model: str, module: str | None, framework_name: str) -> Any:
    """``model``, or with --module the nn.Module built from that spec holding the state_dict file ``model``."""
    if module is None:
        return model
    if framework_name != "torch":
        raise OptionError(f"--module is for torch state_dict files, not {framework_name} models")
    from frontc.frontends.torch.sources import load_state_dict_file
    return load_state_dict_file(Path(model), instantiate(module))


def instantiate(spec: str, option: str = "--module") -> Any:
    """The object ``package.module:Class(literal args)`` makes (the arguments are optional)."""
    target, paren, call = spec.partition("(")
    module_name, colon, attr = target.strip().partition(":")
    if not colon or not module_name or not attr.isidentifier() or paren and not call.endswith(")"):
        raise OptionError(f"{option} {spec}: expected package.module:Class or package.module:Class(args)")
    try:
        node = ast.parse(f"f({call}" if paren else "f()", mode="eval").body
        args = [ast.literal_eval(a) for a in node.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
    except (SyntaxError, ValueError):
        raise OptionError(f"{option} {spec}: the arguments must be Python literals (numbers, strings, lists)") \
            from None
    if os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    try:
        factory = getattr(importlib.import_module(module_name), attr)
        return factory(*args, **kwargs)
    except ImportError as exc:
        raise OptionError(f"{option} {spec}: cannot import {module_name} ({exc})",
                          hint="run from its folder or add it to PYTHONPATH") from None
    except AttributeError:
        raise OptionError(f"{option} {spec}: {module_name} has no '{attr}'") from None
    except Exception as exc:  # the user's constructor: its failure is a bad option, told in one line
        raise OptionError(f"{option} {spec}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}") from None


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

