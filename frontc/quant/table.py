"""Calibration tables: per-tensor ranges of a graph's activations, as versioned, deterministic JSON.

A table names the graph it was made for by ``graph_hash`` (node names, ops and wiring, graph
inputs and outputs, and every param's bytes; not shapes, so a batch re-specialized copy matches).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.ir.errors import FrontcError, OptionError
from frontc.ir.graph import Graph

FORMAT = "frontc-calibration"
VERSION = 1


class TableError(FrontcError):
    """A calibration table that is missing, corrupted, or made for another graph."""


def graph_hash(graph: Graph) -> str:
    """sha256 over the graph's structure and param bytes (independent of tensor shapes)."""
    digest = hashlib.sha256()
    structure = {"inputs": graph.input_names, "outputs": list(graph.outputs),
                 "nodes": [[n.name, n.op, list(n.inputs), list(n.outputs)] for n in graph.nodes]}
    digest.update(json.dumps(structure, sort_keys=True).encode())
    for name in sorted(graph.params):
        value = graph.params[name]
        digest.update(f"{name}:{value.dtype}:{list(value.shape)}".encode())
        digest.update(value.tobytes())
    return "sha256:" + digest.hexdigest()


def activation_tensors(graph: Graph) -> list[str]:
    """The tensors a table calibrates, in graph order: float graph inputs, then every node output."""
    names = [spec.name for spec in graph.inputs if spec.dtype.startswith("float")]
    names += [t for node in graph.nodes for t in node.outputs]
    return names


@dataclass
class TensorRange:
    """Calibrated range of one tensor: exact min/max and the observer's clip threshold of |x|."""

    min: float
    max: float
    threshold: float
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "max": self.max, "min": self.min, "threshold": self.threshold}


@dataclass
class CalibrationTable:
    """Ranges by tensor name for the graph of hash ``graph_hash``."""

    graph_name: str
    graph_hash: str
    observer: str
    options: dict[str, Any]
    samples: int
    tensors: dict[str, TensorRange] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION,
                "graph": {"name": self.graph_name, "hash": self.graph_hash},
                "observer": self.observer, "options": dict(self.options), "samples": self.samples,
                "tensors": {name: r.to_json() for name, r in self.tensors.items()}}

    def dumps(self) -> bytes:
        """The table as deterministic JSON bytes (sorted keys, shortest float repr)."""
        return (json.dumps(self.to_json(), sort_keys=True, indent=1, allow_nan=False) + "\n").encode()

    def check(self, graph: Graph) -> None:
        """TableError naming the first activation of ``graph`` the table lacks, or a hash mismatch."""
        for tensor in activation_tensors(graph):
            if tensor not in self.tensors:
                raise TableError(f"the calibration table (for graph '{self.graph_name}') has no range for "
                                 f"tensor '{tensor}' of graph '{graph.name}'",
                                 hint="calibrate this graph: frontc calibrate")
        if graph_hash(graph) != self.graph_hash:
            raise TableError(f"the calibration table was made for another graph: its hash "
                             f"{self.graph_hash[:19]}... is not {graph_hash(graph)[:19]}... of '{graph.name}' "
                             "(same tensors, other weights or wiring)", hint="calibrate this graph again")

    def ranges(self) -> dict[str, dict[str, float]]:
        """``{tensor: {"min", "max", "threshold", "count"}}``, the mapping ``quantize_graph`` reads."""
        return {name: r.to_json() for name, r in self.tensors.items()}

    def range(self, tensor: str) -> TensorRange:
        try:
            return self.tensors[tensor]
        except KeyError:
            raise TableError(f"the calibration table has no range for tensor '{tensor}'") from None


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TableError(f"{where} is {value!r}, not a number")
    return float(value)


def table_from_json(doc: Any, path: str = "<table>") -> CalibrationTable:
    """A table from its JSON document; TableError names what is wrong."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise TableError(f"not a frontc calibration table (format is not '{FORMAT}')", path=path)
    if doc.get("version") != VERSION:
        raise TableError(f"table version {doc.get('version')!r} is not {VERSION}", path=path,
                         hint="calibrate again with this frontc")
    try:
        tensors = {name: TensorRange(_number(r["min"], f"{name}.min"), _number(r["max"], f"{name}.max"),
                                     _number(r["threshold"], f"{name}.threshold"), int(r["count"]))
                   for name, r in doc["tensors"].items()}
        return CalibrationTable(str(doc["graph"]["name"]), str(doc["graph"]["hash"]), str(doc["observer"]),
                                dict(doc.get("options", {})), int(doc["samples"]), tensors)
    except TableError as exc:
        raise TableError(exc.message, path=path) from None
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise TableError(f"malformed calibration table ({type(exc).__name__}: {exc})", path=path) from None


def load_table(path: str | os.PathLike, graph: Graph | None = None) -> CalibrationTable:
    """Read a table (and check it belongs to ``graph`` when given)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise TableError("calibration table not found", path=str(path),
                         hint="make one with frontc calibrate") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TableError(f"cannot read the calibration table: {exc}", path=str(path)) from None
    table = table_from_json(doc, str(path))
    if graph is not None:
        try:
            table.check(graph)
        except TableError as exc:
            raise TableError(exc.message, path=str(path), hint=exc.hint) from None
    return table


def save_table(table: CalibrationTable, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``table`` atomically; refuses to replace an existing file unless ``overwrite``."""
    from frontc.outputs import write_file

    check_table_path(path)
    return write_file(path, table.dumps(), force=overwrite)


def check_table_path(path: str | os.PathLike) -> None:
    """OptionError unless ``path`` names a .json file."""
    if not str(path).endswith(".json"):
        raise OptionError(f"calibration table path '{path}' must end in .json")
