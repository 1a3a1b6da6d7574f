"""Submitting to, reading from and exporting out of the zoo; a version folder is written once, whole.

A submission is staged in a hidden folder beside its target (same file system) and renamed into
place, so an interrupted submit leaves nothing visible; a lock per version makes two concurrent
submissions of the same version end with one winner and one clean error.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontc.ir.errors import OptionError
from frontc.zoo.card import CARD, card_bytes, read_card, validate_card
from frontc.zoo.layout import check_domain, check_name, check_version, version_name
from frontc.zoo.manifest import MANIFEST, manifest_bytes, verify_folder

STAGING = ".staging-"
LOCKS = ".locks"


@dataclass(frozen=True)
class Entry:
    """One version folder of the zoo and its card."""

    domain: str
    task: str
    model: str
    version: str
    path: Path

    @property
    def key(self) -> str:
        return f"{self.domain}/{self.task}/{self.model}/{self.version}"

    def card(self) -> dict[str, Any]:
        return read_card(self.path / CARD)


def target_of(root: Path, card: dict[str, Any], version: str | None = None) -> tuple[Path, str]:
    """The version folder a card goes to, and the version name (given, the card's, or from the card)."""
    domain = check_domain(card["domain"])
    task, model = check_name("task", card["task"]), check_name("model", card["model"])
    version = check_version(version or card.get("version")
                            or version_name(str(card["date"]), card["sparsity"], card["input_shape"]))
    return root / domain / task / model / version, version


@contextmanager
def version_lock(root: Path, key: str) -> Iterator[None]:
    """An exclusive lock on one version; the kernel releases it if the process dies."""
    locks = root / LOCKS
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / (key.replace("/", "__") + ".lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OptionError(f"another submission of {key} is in progress", path=str(root),
                              hint="wait for it; a version is written once") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def submit(root: Path, files: dict[str, Path], card: dict[str, Any], *, version: str | None = None) -> Entry:
    """Write ``files`` (zoo-relative name -> source file) and the card as a new version; never overwrite."""
    validate_card(card)
    target, version = target_of(root, card, version)
    card = dict(card, version=version)
    for name in files:
        parts = Path(name).parts
        if Path(name).is_absolute() or not parts or any(p in ("..", ".") for p in parts) or \
                name in (CARD, MANIFEST):
            raise OptionError(f"file name {name!r} is not allowed in a version folder")
        if not files[name].is_file():
            raise OptionError("file to submit not found", path=str(files[name]))
    entry = Entry(target.parts[-4], target.parts[-3], target.parts[-2], version, target)
    with version_lock(root, entry.key):
        if target.exists():
            raise OptionError(f"zoo version {entry.key} already exists", path=str(target),
                              hint="versions are never overwritten; submit under another date or version")
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f"{STAGING}{version}-*"):  # left by a killed submit of this version
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f"{STAGING}{version}-"))
        try:
            for name, source in sorted(files.items()):
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, staging / name)
            (staging / CARD).write_bytes(card_bytes(card))
            (staging / MANIFEST).write_bytes(manifest_bytes(staging))
            os.chmod(staging, 0o755)
            os.rename(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return entry


def entries(root: Path) -> list[Entry]:
    """Every version folder under ``root`` (hidden staging folders and locks are not versions)."""
    out = []
    for path in sorted(root.glob("*/*/*/*")):
        if path.is_dir() and not any(part.startswith(".") for part in path.relative_to(root).parts):
            out.append(Entry(*path.relative_to(root).parts, path=path))
    return out


def select(root: Path, selector: str | None) -> list[Entry]:
    """Versions matching MODEL, MODEL/VERSION, DOMAIN/TASK/MODEL or DOMAIN/TASK/MODEL/VERSION (all: None)."""
    found = entries(root)
    if selector is None:
        return found
    parts = selector.strip("/").split("/")
    fields = {1: ("model",), 2: ("model", "version"), 3: ("domain", "task", "model"),
              4: ("domain", "task", "model", "version")}.get(len(parts))
    if fields is None:
        raise OptionError(f"'{selector}' is not MODEL[/VERSION] or DOMAIN/TASK/MODEL[/VERSION]")
    matches = [e for e in found if all(getattr(e, f) == p for f, p in zip(fields, parts, strict=True))]
    if not matches:
        raise OptionError(f"no zoo version matches '{selector}'", path=str(root),
                          hint="see `frontc zoo list`")
    return matches


def export(entry: Entry, dest: Path, *, overwrite: bool = False) -> Path:
    """Copy a verified version to ``dest`` (a folder, or a .tar.gz archive), all or nothing."""
    check = verify_folder(entry.path)
    if not check.ok:
        raise OptionError(f"{entry.key} does not match its manifest", path=str(entry.path),
                          hint="run `frontc zoo verify` to see which files")
    if dest.exists() and not overwrite:
        raise OptionError("export target exists", path=str(dest), hint="choose another path or use --force")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.name.endswith((".tar.gz", ".tgz")):
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
        os.close(fd)
        try:
            with tarfile.open(tmp, "w:gz") as tar:
                tar.add(entry.path, arcname=f"{entry.model}/{entry.version}")
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        except BaseException:
            os.unlink(tmp)
            raise
        return dest
    staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
    try:
        shutil.copytree(entry.path, staging, dirs_exist_ok=True)
        os.chmod(staging, 0o755)
        if dest.exists():
            shutil.rmtree(dest)
        os.rename(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest


def folder_submission(folder: Path) -> tuple[dict[str, Path], dict[str, Any]]:
    """The files and card of a checklist output folder: source/*, moffett_ir/*, <model>_*_quantization.pb,
    card.yaml."""
    if not folder.is_dir():
        raise OptionError("not a folder", path=str(folder), hint="give a checklist output folder or --card")
    card = read_card(folder / CARD)
    files = {p.relative_to(folder / "source").as_posix(): p for p in sorted((folder / "source").rglob("*"))
             if p.is_file()}
    files |= {f"moffett_ir/{p.name}": p for p in sorted((folder / "moffett_ir").glob("*")) if p.is_file()}
    model = check_name("model", card["model"])
    files |= {p.name: p for p in sorted(folder.glob(f"{model}_*_quantization.pb"))}  # this model's only
    if not any(name.startswith("moffett_ir/") for name in files):
        raise OptionError("no moffett_ir/ files to submit", path=str(folder), hint="run the checklist's compile step")
    return files, card
