"""Save and load the IR: ``<prefix>_graph.json`` plus ``<prefix>_params.npz``.

Both files are deterministic (same graph, same bytes), written atomically
(temp file + rename), and never hold pickled objects. The JSON lists every
param's shape and dtype, so a params file that does not belong to the graph,
or is truncated or corrupted, fails to load with a message naming it.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from frontc.ir.errors import FrontcError, GraphError, IRFormatError
from frontc.ir.graph import Graph, Node, TensorSpec
from frontc.ir.validate import lint
from frontc.outputs import Outputs

FORMAT = "frontc-ir"
SCHEMA_VERSION = 1
META_PREFIX = "__meta__/"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MODEL_SUFFIXES = {".onnx": "ONNX", ".pt": "PyTorch", ".pth": "PyTorch", ".pt2": "PyTorch", ".keras": "Keras",
                  ".h5": "Keras", ".pb": "TensorFlow", ".tflite": "TFLite", ".params": "MXNet"}


def ir_paths(prefix: str | os.PathLike) -> tuple[Path, Path]:
    """(graph json, params npz) for a prefix such as ``moffett_ir/IR_for_reconstruct``."""
    prefix = str(prefix)
    for suffix in ("_graph.json", "_params.npz"):
        if prefix.endswith(suffix):
            prefix = prefix[: -len(suffix)]
    return Path(prefix + "_graph.json"), Path(prefix + "_params.npz")


# ------------------------------------------------------------------------- save
def save_graph(graph: Graph, prefix: str | os.PathLike, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Lint and write ``graph`` (both files or neither); refuses to replace existing files unless ``overwrite``."""
    with Outputs("save", force=overwrite) as out:
        for path, data in graph_files(graph, prefix).items():
            out.write(path, data)
    return ir_paths(prefix)


def graph_files(graph: Graph, prefix: str | os.PathLike) -> dict[Path, bytes]:
    """The linted ``graph`` as its two files: {graph JSON path: bytes, params NPZ path: bytes}."""
    json_path, npz_path = ir_paths(prefix)
    lint(graph)
    arrays = dict(graph.params)
    doc = graph_to_json(graph, arrays)
    try:
        text = json.dumps(doc, sort_keys=True, indent=1, allow_nan=False) + "\n"
    except (TypeError, ValueError) as exc:
        raise GraphError(f"graph meta or attrs cannot be written as JSON: {exc}",
                         hint="meta values must be numbers, strings, lists, dicts or arrays") from None
    return {json_path: text.encode(), npz_path: npz_bytes(arrays)}


def graph_to_json(graph: Graph, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """The JSON document of ``graph``; meta arrays are moved into ``arrays``."""
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "name": graph.name,
        "inputs": [spec.to_json() for spec in graph.inputs],
        "outputs": list(graph.outputs),
        "nodes": [{
            "name": n.name, "op": n.op, "inputs": list(n.inputs), "outputs": list(n.outputs),
            "attrs": _plain(n.attrs), "meta": _encode_meta(n.meta, f"{META_PREFIX}{n.name}/", arrays),
        } for n in graph.nodes],
        "params": {name: {"shape": list(v.shape), "dtype": str(v.dtype)}
                   for name, v in graph.params.items()},
        "tensors": {name: spec.to_json() for name, spec in graph.tensors.items()},
        "meta": _encode_meta(graph.meta, META_PREFIX, arrays),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _encode_meta(meta: dict[str, Any], prefix: str, arrays: dict[str, np.ndarray]) -> Any:
    out = {}
    for key, value in meta.items():
        if isinstance(value, np.ndarray):
            arrays[prefix + key] = value
            out[key] = {"__array__": prefix + key}
        elif isinstance(value, dict):
            out[key] = _encode_meta(value, f"{prefix}{key}/", arrays)
        else:
            out[key] = _plain(value)
    return out


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A deterministic NPZ (sorted names, fixed timestamps, no pickles) of ``arrays``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asarray(arrays[name]), allow_pickle=False)
    return buffer.getvalue()


# ------------------------------------------------------------------------- load
def load_graph(graph_path: str | os.PathLike, params_path: str | os.PathLike | None = None) -> Graph:
    """Read a graph JSON (or prefix) and its params NPZ, check them, and lint the graph."""
    text = str(graph_path)
    if Path(text).suffix in MODEL_SUFFIXES and Path(text).is_file():
        raise IRFormatError(f"is a model file ({MODEL_SUFFIXES[Path(text).suffix]}), not a frontc IR graph", path=text,
                            hint="compile it first (frontc compile), then give its *_graph.json")
    json_path, default_npz = ir_paths(text) if not text.endswith(".json") \
        else (Path(text), ir_paths(text.removesuffix(".json") if not text.endswith("_graph.json") else text)[1])
    npz_path = Path(params_path) if params_path is not None else default_npz
    doc = _read_json(json_path)
    arrays = load_params(npz_path)
    try:
        graph = graph_from_json(doc, arrays)
    except FrontcError as exc:
        exc.path = exc.path or str(json_path)
        raise
    _check_params(graph, doc, arrays, npz_path)
    try:
        lint(graph)
    except GraphError as exc:
        raise type(exc)(exc.message, path=str(json_path), node=exc.node, hint=exc.hint) from None
    return graph


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise IRFormatError("file not found", path=str(path),
                            hint="give the *_graph.json written by frontc") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IRFormatError(f"cannot read: {exc}", path=str(path)) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IRFormatError(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
                            path=str(path), hint="the file may be truncated; re-export it") from None
    except RecursionError:
        raise IRFormatError("JSON nested too deeply to be an IR graph", path=str(path)) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise IRFormatError(f"not a frontc IR graph (no \"format\": \"{FORMAT}\")", path=str(path))
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise IRFormatError(f"unknown schema version {version!r}; this frontc reads version "
                            f"{SCHEMA_VERSION}", path=str(path),
                            hint="re-export the model with this frontc, or upgrade frontc")
    return doc


def load_params(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every array of an NPZ file, without unpickling; IRFormatError when unreadable."""
    path = Path(path)
    if path.is_dir():
        raise IRFormatError("is a folder, not a params .npz file", path=str(path))
    try:
        with open(path, "rb") as f:
            magic = f.read(6)
        if magic == b"\x93NUMPY":
            raise IRFormatError("is a .npy array, not a .npz archive of params", path=str(path),
                                hint="give the *_params.npz written with the graph")
        if not magic.startswith(b"PK"):
            raise IRFormatError("not a valid NPZ file (" + ("empty" if not magic else "no zip header") + ")",
                                path=str(path), hint="give the *_params.npz written with the graph")
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        raise IRFormatError("params file not found", path=str(path),
                            hint="give the *_params.npz written with the graph") from None
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise IRFormatError("holds object (pickled) arrays, which are never loaded",
                                path=str(path), hint="save params as numeric arrays") from None
        raise IRFormatError(f"corrupted params file: {exc}", path=str(path)) from None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise IRFormatError(f"corrupted or truncated params file: {exc}", path=str(path),
                            hint="re-export the model") from None


def graph_from_json(doc: dict[str, Any], arrays: dict[str, np.ndarray]) -> Graph:
    """Build a Graph from a parsed JSON document and the NPZ arrays."""
    try:
        nodes = [Node(n["name"], n["op"], list(n["inputs"]), list(n["outputs"]),
                      dict(n.get("attrs", {})), _decode_meta(n.get("meta", {}), arrays))
                 for n in doc["nodes"]]
        graph = Graph(doc.get("name", "graph"), nodes,
                      [TensorSpec.from_json(s) for s in doc["inputs"]], list(doc["outputs"]),
                      {name: arrays[name] for name in doc["params"] if name in arrays},
                      _decode_meta(doc.get("meta", {}), arrays))
        graph.tensors = {name: TensorSpec.from_json(s) for name, s in doc.get("tensors", {}).items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise IRFormatError(f"malformed graph document ({type(exc).__name__}: {exc})",
                            hint="the file was edited or written by another tool") from None
    return graph


def _decode_meta(meta: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(meta, dict):
        if set(meta) == {"__array__"}:
            key = meta["__array__"]
            if key not in arrays:
                raise IRFormatError(f"meta array '{key}' is missing from the params file")
            return arrays[key]
        return {k: _decode_meta(v, arrays) for k, v in meta.items()}
    return meta


def _check_params(graph: Graph, doc: dict[str, Any], arrays: dict[str, np.ndarray],
                  npz_path: Path) -> None:
    listed = doc["params"]
    for name, spec in listed.items():
        if name not in arrays:
            users = [n.name for n in graph.nodes if name in n.inputs][:3]
            raise IRFormatError(f"param '{name}' (used by {users}) is missing", path=str(npz_path),
                                hint="the params file does not belong to this graph")
        value = arrays[name]
        if list(value.shape) != list(spec["shape"]) or str(value.dtype) != spec["dtype"]:
            raise IRFormatError(f"param '{name}' is {value.dtype}{list(value.shape)} but the graph "
                                f"expects {spec['dtype']}{list(spec['shape'])}", path=str(npz_path),
                                hint="the params file does not belong to this graph")
    extra = sorted(k for k in arrays if k not in listed and not k.startswith(META_PREFIX))
    if extra:
        raise IRFormatError(f"holds arrays the graph does not list: {extra[:5]}",
                            path=str(npz_path), hint="the params file does not belong to this graph")
