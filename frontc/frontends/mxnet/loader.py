"""``load``: an exported MXNet model, a live Gluon HybridBlock or a gluoncv zoo name -> IR graph."""
from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from frontc.frontends.mxnet.convert import InputShapes, convert
from frontc.frontends.mxnet.params import read_params, split_params
from frontc.frontends.mxnet.symbol import read_symbol
from frontc.ir.errors import ModelLoadError, OptionError
from frontc.ir.graph import Graph

SYMBOL_SUFFIX = "-symbol.json"
OPTIONS = ("seed", "name")


def model_files(source: str | Path, epoch: int = 0) -> tuple[str, str]:
    """(symbol JSON, params) paths of a model given by its symbol file, prefix or directory."""
    path = str(source)
    if Path(path).is_dir():
        found = sorted(Path(path).glob(f"*{SYMBOL_SUFFIX}"))
        if len(found) != 1:
            raise ModelLoadError(f"expected one *{SYMBOL_SUFFIX} in the directory, found {len(found)}",
                                 path=path, hint="pass the symbol file or its prefix")
        path = str(found[0])
    if path.endswith(SYMBOL_SUFFIX):
        symbol, prefix = path, path[:-len(SYMBOL_SUFFIX)]
    elif path.endswith(".json"):
        symbol, prefix = path, path[:-len(".json")]
    else:
        symbol, prefix = path + SYMBOL_SUFFIX, path
    if not Path(symbol).is_file():
        raise ModelLoadError("no such MXNet symbol file", path=symbol,
                             hint="give NAME-symbol.json, its prefix NAME, or a gluoncv zoo name")
    params = f"{prefix}-{epoch:04d}.params"
    if not Path(params).is_file():
        pattern = re.compile(re.escape(Path(prefix).name) + r"-(\d{4})\.params$")
        epochs = sorted(int(m.group(1)) for f in Path(prefix).parent.glob("*.params")
                        if (m := pattern.match(f.name)))
        raise ModelLoadError(f"no params file for epoch {epoch}", path=params,
                             hint=f"available epochs: {epochs}" if epochs else
                             "no NAME-NNNN.params file lies next to the symbol")
    return symbol, params


def load_files(symbol_path: str, params_path: str, input_shapes: InputShapes = None, *,
               name: str | None = None, label: str | None = None) -> Graph:
    """Convert an exported model (``label`` names it in messages instead of the files)."""
    symbol = read_symbol(symbol_path)
    if label:
        symbol.path = label
        for node in symbol.nodes:
            node.path = label
    params = split_params(read_params(params_path), params_path)
    if name is None:
        name = Path(symbol_path).name[:-len(SYMBOL_SUFFIX)] if symbol_path.endswith(SYMBOL_SUFFIX) \
            else Path(symbol_path).stem
    return convert(symbol, params, input_shapes, name=name)


def _shapes_list(input_shapes: InputShapes, what: str) -> list[Sequence[int]]:
    if input_shapes is None:
        raise OptionError(f"input_shapes is needed to export {what}",
                          hint="pass input_shapes={'data': (1, 3, 224, 224)}")
    if isinstance(input_shapes, Mapping):
        return list(input_shapes.values())
    return [input_shapes]


def _load_block(block: Any, input_shapes: InputShapes, name: str, label: str) -> Graph:
    from frontc.frontends.mxnet.gluon import export_block, exported_input_names
    shapes = _shapes_list(input_shapes, label)
    with tempfile.TemporaryDirectory(prefix="frontc-mxnet-") as directory:
        prefix = export_block(block, shapes, directory, name)
        by_name = dict(zip(exported_input_names(len(shapes)), shapes))
        return load_files(prefix + SYMBOL_SUFFIX, prefix + "-0000.params", by_name, name=name,
                          label=label)


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith((".json", ".params")) or Path(text).exists() \
        or Path(text + SYMBOL_SUFFIX).exists()


def load(source: Any, input_shapes: InputShapes = None, epoch: int = 0, **options: Any) -> Graph:
    """Lower an MXNet model into the IR.

    ``source`` is a symbol JSON path, its prefix or directory (weights from
    ``PREFIX-{epoch:04d}.params``, read without mxnet); a live Gluon HybridBlock
    (exported to a temporary directory first; ``input_shapes`` gives the shapes of its
    forward arguments, in order, which become inputs ``data`` or ``data0``, ``data1``...); or a
    gluoncv model-zoo name, built with pretrained=False and seeded random
    weights (``seed``), at 224x224 (Inception v3: 299x299) unless
    ``input_shapes`` says otherwise. Options: ``seed`` (zoo weights), ``name`` (graph name).
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise OptionError(f"unknown MXNet frontend option(s) {unknown}", hint=f"known: {list(OPTIONS)}")
    seed, name = options.get("seed", 0), options.get("name")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise OptionError(f"seed must be an integer, got {seed!r}")
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
        raise OptionError(f"epoch must be a non-negative integer, got {epoch!r}")
    if isinstance(source, (str, Path)):
        text = str(source)
        if _looks_like_path(text):
            return load_files(*model_files(text, epoch), input_shapes, name=name)
        from frontc.frontends.mxnet.gluon import zoo_block, zoo_input_shape, zoo_name
        zoo = zoo_name(text)
        shapes = [zoo_input_shape(zoo)] if input_shapes is None else _shapes_list(input_shapes, zoo)
        if len(shapes) != 1:
            raise OptionError(f"{zoo} has one input, input_shapes gives {len(shapes)}")
        block = zoo_block(zoo, seed=seed, input_shape=shapes[0])
        return _load_block(block, shapes[0], name or zoo, f"gluoncv:{zoo}")
    from frontc.frontends.mxnet.gluon import is_block
    if is_block(source):
        kind = type(source).__name__
        return _load_block(source, input_shapes, name or kind.lower(), f"<Gluon {kind}>")
    raise ModelLoadError(f"cannot load a {type(source).__name__} as an MXNet model",
                         hint="give a symbol JSON path or prefix, a Gluon HybridBlock or a zoo name")
