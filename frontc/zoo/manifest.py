"""MANIFEST.sha256: the sha256 of every file of a version folder, in `sha256sum` format."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from frontc.ir.errors import OptionError

MANIFEST = "MANIFEST.sha256"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def files_of(folder: Path) -> list[str]:
    """Every regular file under ``folder`` (relative, '/'-separated, sorted), the manifest excluded."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.name != MANIFEST)


def manifest_bytes(folder: Path) -> bytes:
    """The manifest text for the files now in ``folder`` (readable by `sha256sum -c`)."""
    return "".join(f"{sha256_file(folder / name)}  {name}\n" for name in files_of(folder)).encode()


def read_manifest(folder: Path) -> dict[str, str]:
    """relative path -> sha256 from the folder's manifest."""
    path = folder / MANIFEST
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        raise OptionError("manifest is missing", path=str(path)) from None
    out = {}
    for number, line in enumerate(lines, 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise OptionError(f"line {number} is not '<sha256>  <path>'", path=str(path))
        out[name] = digest
    return out


@dataclass
class Verification:
    """What differs between a version folder and its manifest."""

    folder: Path
    missing: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.modified or self.extra)


def verify_folder(folder: Path) -> Verification:
    """Recompute every hash of ``folder`` and compare with its manifest."""
    expected = read_manifest(folder)
    present = set(files_of(folder))
    result = Verification(folder)
    result.missing = sorted(set(expected) - present)
    result.extra = sorted(present - set(expected))
    result.modified = sorted(n for n in set(expected) & present if sha256_file(folder / n) != expected[n])
    return result
