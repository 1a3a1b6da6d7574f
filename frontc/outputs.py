"""The output policy: every file or folder frontc writes goes through an ``Outputs`` session.

- Checked first: a target is checked when declared, before any work: an existing target is an
  OutputError unless ``force``; so are a folder where a file is expected, a file where a folder
  is expected, and a folder that cannot be written (read-only, /proc); a full disk while writing
  too. The CLI prints these on one line with exit status 2.
- Atomic and all-or-nothing: outputs are staged in ``.frontc-<verb>-<pid>-<random>/`` beside each
  target (same filesystem) and moved into place together when the session ends without error;
  an error or an interrupt before that leaves every target as it was and removes the staging.
  A declared output the session did not write is removed at the end (with force: it was stale).
- Leftovers of a killed process (SIGKILL) are recognised by the pid in their name: the next
  session in the same folder removes them, or finishes their move when it had begun (its
  ``commit.json`` is written before the first rename), so no partial output survives.

    with Outputs("run", force=args.force) as out:
        out.file(trace_path)                 # declare early: fail before the work, not after it
        ...
        out.write(y_path, data)              # bytes or str
        np.save(out.file(trace_path), ...)   # or write the staged path yourself
        model.export(out.folder(saved_dir))  # a folder output, replaced whole with force
    write_file(path, data, force=False)      # a single file
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from frontc.ir.errors import OutputError

_STAGE = re.compile(r"^\.frontc-[a-z_]+-(\d+)-[a-z0-9_]+$")
_PLAN = "commit.json"
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EIO}


class Outputs:
    """A set of outputs written all together or not at all (see the module docstring)."""

    def __init__(self, verb: str = "write", *, force: bool = False) -> None:
        self.verb = re.sub(r"[^a-z_]", "_", verb.lower()) or "write"
        self.force = force
        self.targets: dict[Path, Path] = {}  # target -> staged path
        self._kinds: dict[Path, str] = {}
        self._stages: dict[Path, Path] = {}  # folder -> its staging folder
        self._made: list[Path] = []
        self._swept: set[Path] = set()

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if kind is None:
            self.commit()
            return False
        ours = isinstance(exc, OSError) and exc.errno in _WRITE_ERRORS and self._is_staged(exc.filename)
        self.abort()
        if ours:
            raise OutputError(f"cannot write: {exc.strerror}", path=self._target_of(exc.filename)) from None
        return False

    # ------------------------------------------------------------------ declaring and writing
    def file(self, path: str | os.PathLike) -> Path:
        """Declare the file ``path``; returns where to write it until the session commits."""
        return self._declare(Path(path), "file")

    def folder(self, path: str | os.PathLike) -> Path:
        """Declare the folder ``path`` (replaced whole); returns the staged folder to create and fill."""
        return self._declare(Path(path), "folder")

    def write(self, path: str | os.PathLike, data: bytes | str) -> Path:
        """Stage ``data`` for the file ``path``; returns ``path``."""
        staged = self.file(path)
        if os.path.lexists(staged):
            raise OutputError("given twice", path=str(path), hint="each output needs its own path")
        try:
            staged.write_bytes(data.encode() if isinstance(data, str) else data)
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror}", path=str(path)) from None
        return Path(path)

    def _declare(self, path: Path, kind: str) -> Path:
        key = Path(os.path.abspath(path))
        if key in self.targets:
            if self._kinds[key] != kind:
                raise OutputError("given both as a file and as a folder", path=str(path))
            return self.targets[key]
        if not key.name:
            raise OutputError(f"not a {kind} name", path=str(path))
        if key.parent not in self._swept:  # a killed run's half-moved outputs are finished before the check
            self._swept.add(key.parent)
            sweep(key.parent)
        if os.path.lexists(path):
            self._check_existing(path, kind)
        self.targets[key], self._kinds[key] = self._stage_for(key.parent) / "new" / key.name, kind
        return self.targets[key]

    def _check_existing(self, path: Path, kind: str) -> None:
        if kind == "file" and path.is_dir():
            raise OutputError("is a folder, a file is expected here", path=str(path), hint="give a file name")
        if kind == "file" and not path.is_file() and not path.is_symlink():
            raise OutputError("exists and is not a regular file", path=str(path), hint="give a file name")
        if kind == "folder" and not path.is_dir():
            raise OutputError("is a file, a folder is expected here", path=str(path), hint="give a folder name")
        if not self.force:
            raise OutputError(f"{kind} exists", path=str(path), hint="choose another output, or --force to replace it")

    def _stage_for(self, folder: Path) -> Path:
        if folder in self._stages:
            return self._stages[folder]
        self._make_folder(folder)
        try:
            with _signals_held():  # an interrupt cannot come between making the folder and recording it
                stage = self._stages[folder] = Path(tempfile.mkdtemp(dir=folder,
                                                                     prefix=f".frontc-{self.verb}-{os.getpid()}-"))
            (stage / "new").mkdir()
        except OSError as exc:
            reason = "it accepts no new files" if exc.errno == errno.ENOENT else exc.strerror
            raise OutputError(f"cannot write in this folder: {reason}", path=str(folder),
                              hint="choose a folder you can write in") from None
        return stage

    def _make_folder(self, folder: Path) -> None:
        missing = []
        for parent in (folder, *folder.parents):
            if os.path.lexists(parent):
                if not parent.is_dir():
                    raise OutputError("is a file, a folder is expected here", path=str(parent))
                break
            missing.append(parent)
        for parent in reversed(missing):
            try:
                with _signals_held():
                    parent.mkdir()
                    self._made.append(parent)
            except OSError as exc:
                raise OutputError(f"cannot create the folder: {exc.strerror}", path=str(parent)) from None

    def _is_staged(self, filename: object) -> bool:
        return isinstance(filename, str) and any(_within(filename, stage) for stage in self._stages.values())

    def _target_of(self, filename: str) -> str:
        return next((str(t) for t, staged in self.targets.items() if _within(filename, staged)), filename)

    # ------------------------------------------------------------------ ending
    def commit(self) -> list[Path]:
        """Move every staged output into place (signals held off meanwhile); returns the targets."""
        with _signals_held():
            return self._commit()

    def _commit(self) -> list[Path]:
        try:
            for folder, stage in self._stages.items():
                mine = [(t.name, os.path.lexists(s)) for t, s in self.targets.items() if t.parent == folder]
                moves, discards = [n for n, staged in mine if staged], [n for n, staged in mine if not staged]
                (stage / _PLAN).write_text(json.dumps({"move": moves, "discard": discards}))
            for stage in self._stages.values():
                _finish(stage)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot move the outputs into place: {exc.strerror}",
                              path=str(exc.filename or "")) from None
        self._stages.clear()
        return [t for t in self.targets if os.path.lexists(t)]

    def abort(self) -> None:
        """Remove the staging folders and the folders this session created; targets stay as they were."""
        for stage in self._stages.values():
            shutil.rmtree(stage, ignore_errors=True)
        self._stages.clear()
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                pass
        self._made.clear()


def write_file(path: str | os.PathLike, data: bytes | str, *, force: bool = False) -> Path:
    """Write one file atomically; an existing ``path`` is an OutputError unless ``force``."""
    with Outputs(force=force) as out:
        return out.write(path, data)


def sweep(folder: str | os.PathLike) -> list[Path]:
    """Remove the staging folders that dead processes left in ``folder`` (finishing begun commits)."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _STAGE.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match.group(1))):
            try:
                _finish(entry) if (entry / _PLAN).exists() else shutil.rmtree(entry)
            except OSError:
                continue
            removed.append(entry)
    return removed


def _finish(stage: Path) -> None:
    """Carry out a staging folder's commit.json: discards, then moves (idempotent), then remove it."""
    plan = json.loads((stage / _PLAN).read_text())
    folder, old = stage.parent, stage / "old"
    old.mkdir(exist_ok=True)
    for name in plan["discard"]:
        if os.path.lexists(folder / name):
            os.replace(folder / name, old / name)
    for name in plan["move"]:
        staged, target = stage / "new" / name, folder / name
        if not os.path.lexists(staged):
            continue
        if target.is_dir() and not target.is_symlink():
            os.replace(target, old / name)
        os.replace(staged, target)
    shutil.rmtree(stage)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends (their handlers run in the main thread, so only there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    kinds = (signal.SIGINT, signal.SIGTERM)
    previous = {kind: signal.signal(kind, lambda signum, frame: caught.append(signum)) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, signal.SIG_DFL if handler is None else handler)
        for signum in caught[:1]:
            signal.raise_signal(signum)


def _within(filename: str, folder: Path) -> bool:
    return os.path.abspath(filename).startswith(os.path.abspath(folder))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
