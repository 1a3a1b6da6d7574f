"""What the checklist's steps share: the output folder, the config, fingerprints of step inputs, cached reads."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph

IMPORTED = "imported/IR_imported"  # step 1's imported graph (prefix of _graph.json / _params.npz)
MOFFETT_IR = "moffett_ir"


@dataclass
class Step:
    """One checklist step's result: passed or not, why not, how long, what it measured, what it wrote."""

    number: int
    name: str
    ok: bool | None = None  # None: not run (not selected, not enabled, or a step it needs failed)
    reason: str = ""
    seconds: float = 0.0
    reused: bool = False
    fingerprint: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)  # relative path -> sha256


@dataclass
class Context:
    """The run's inputs and the files the steps exchange through the output folder."""

    target: str  # model name, model file or config path as given
    out: Path
    config: dict[str, Any]
    config_path: Path | None
    threshold: float
    date: str = field(default_factory=lambda: time.strftime("%Y%m%d"))
    model: str = "model"  # the checked model's name, known once step 1 ran or was reused
    cache: dict[str, Any] = field(default_factory=dict)
    done: dict[str, Step] = field(default_factory=dict)  # the steps decided so far in this run, by name

    def passed(self, name: str) -> bool:
        """Whether step ``name`` ran (or was reused) and passed in this run."""
        return bool(self.done.get(name) and self.done[name].ok)

    def section(self, name: str) -> dict[str, Any]:
        value = self.config.get(name) or {}
        if not isinstance(value, dict):
            raise OptionError(f"config section {name} must be a mapping", path=str(self.config_path))
        return value

    def config_file(self, section: str, key: str) -> Path | None:
        """A path of the config (relative to the config's folder), or None when not given."""
        value = self.section(section).get(key)
        if value is None:
            return None
        path = Path(str(value))
        return path if path.is_absolute() or self.config_path is None else self.config_path.parent / path

    def graph(self, prefix: str) -> Graph:
        """A graph of the output folder (``imported/IR_imported``, ``moffett_ir/IR_fused_for_CModel`` ...)."""
        if prefix not in self.cache:
            from frontc.ir.serialize import load_graph
            self.cache[prefix] = load_graph(self.out / f"{prefix}_graph.json")
        return self.cache[prefix]

    def array(self, name: str):
        from frontc.commands.common import read_npy
        return read_npy(str(self.out / name))


def sha256_path(path: Path) -> str:
    """sha256 of a file, or of a folder's files (names and contents); 'missing' when absent."""
    digest = hashlib.sha256()
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(child.relative_to(path).as_posix().encode() + b"\0" + sha256_path(child).encode())
        return digest.hexdigest()
    if not path.is_file():
        return "missing"
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(key: str, settings: Any, files: list[Path]) -> str:
    """A hash of what a step's result depends on: its key, frontc's version, its settings, its input files."""
    from frontc import __version__
    digest = hashlib.sha256(json.dumps([key, __version__, settings], sort_keys=True, default=str).encode())
    for path in files:
        digest.update(f"\0{path.name}\0{sha256_path(path)}".encode())
    return digest.hexdigest()
