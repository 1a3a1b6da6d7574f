"""frontc.outputs: atomic, all-or-nothing outputs, never replaced without force, leftovers of killed runs swept."""
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontc.ir.errors import OutputError
from frontc.outputs import Outputs, sweep, write_file


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".frontc-")]


def test_write_file_then_refuse_to_replace(tmp_path):
    target = tmp_path / "sub" / "a.bin"
    write_file(target, b"one")
    with pytest.raises(OutputError, match="exists .*--force"):
        write_file(target, b"two")
    assert target.read_bytes() == b"one"
    write_file(target, b"two", force=True)
    assert target.read_bytes() == b"two" and _leftovers(target.parent) == []


def test_error_inside_a_session_writes_nothing(tmp_path):
    (tmp_path / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), Outputs("run", force=True) as out:
        out.write(tmp_path / "new.txt", "new")
        out.write(tmp_path / "old.txt", "replaced")
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]
    assert (tmp_path / "old.txt").read_text() == "old"


def test_second_target_unwritable_leaves_first_unwritten(tmp_path):
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    if os.access(tmp_path / "ro", os.W_OK) and os.geteuid() == 0:
        target = "/proc/frontc/trace.npz"  # root writes through permissions; /proc it cannot
    else:
        target = tmp_path / "ro" / "trace.npz"
    with pytest.raises(OutputError, match="cannot"), Outputs("run") as out:
        out.write(tmp_path / "y.npy", b"y")
        out.file(target)
    assert not (tmp_path / "y.npy").exists() and _leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_wrong_kind_of_existing_target(tmp_path, kind):
    (tmp_path / "d").mkdir()
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a (folder|file)"), Outputs(force=True) as out:
        out.file(tmp_path / "d") if kind == "file" else out.folder(tmp_path / "f")


def test_file_where_a_folder_is_needed(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a file, a folder is expected"):
        write_file(tmp_path / "f" / "a.npy", b"")
    assert (tmp_path / "f").read_text() == "x"


def test_declared_twice_and_created_folders_removed_on_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match="given twice"), Outputs() as out:
        out.write(tmp_path / "new" / "deeper" / "a", "1")
        out.write("new/deeper/a", "2")
    with pytest.raises(OutputError, match="both as a file and as a folder"), Outputs() as out:
        out.file(tmp_path / "x" / "y" / "a")
        out.folder(tmp_path / "x" / "y" / "a")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_full_disk_is_one_line_output_error(tmp_path, monkeypatch):
    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))
    monkeypatch.setattr("pathlib.Path.write_bytes", full)
    with pytest.raises(OutputError, match="a.npy: cannot write: No space left on device"):
        write_file(tmp_path / "a.npy", b"x")
    assert list(tmp_path.iterdir()) == []


def test_full_disk_while_a_caller_writes_the_staged_path(tmp_path):
    with pytest.raises(OutputError, match="b.bin: cannot write: No space"), Outputs() as out:
        staged = out.file(tmp_path / "b.bin")
        raise OSError(errno.ENOSPC, "No space left on device", str(staged))
    assert list(tmp_path.iterdir()) == []


def test_declared_but_unwritten_output_is_removed_as_stale(tmp_path):
    (tmp_path / "old.png").write_text("stale")
    with Outputs(force=True) as out:
        out.file(tmp_path / "old.png")
        out.write(tmp_path / "new.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json"]


def test_folder_output_replaced_whole(tmp_path):
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "stale.pb").write_text("old")
    with Outputs(force=True) as out:
        staged = out.folder(tmp_path / "saved")
        staged.mkdir()
        (staged / "saved_model.pb").write_text("new")
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == ["saved_model.pb"]
    assert _leftovers(tmp_path) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_sweep_removes_staging_of_dead_processes_only(tmp_path):
    dead = tmp_path / f".frontc-compile-{_dead_pid()}-abcd1234"
    (dead / "new").mkdir(parents=True)
    (dead / "new" / "IR_graph.json").write_text("partial")
    alive = tmp_path / f".frontc-compile-{os.getppid()}-abcd1234"
    alive.mkdir()
    write_file(tmp_path / "a", b"")  # any session in the folder sweeps it
    assert _leftovers(tmp_path) == [alive.name]
    assert not (tmp_path / "IR_graph.json").exists()


def test_sweep_finishes_a_commit_that_was_killed_half_way(tmp_path):
    (tmp_path / "a.json").write_text("old a")
    (tmp_path / "stale.png").write_text("stale")
    stage = tmp_path / f".frontc-compile-{_dead_pid()}-abcd1234"
    (stage / "new").mkdir(parents=True)
    (stage / "new" / "b.npz").write_text("new b")  # a.json already moved when the process died
    (stage / "commit.json").write_text(json.dumps({"move": ["a.json", "b.npz"], "discard": ["stale.png"]}))
    assert sweep(tmp_path) == [stage]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.npz"]
    assert (tmp_path / "b.npz").read_text() == "new b"


@pytest.fixture
def locked(tmp_path):
    """A folder nobody can write in: immutable (chattr +i), else read-only, else (root without chattr) /proc."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "old.npy").write_bytes(b"old")
    immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    if not immutable:
        folder.chmod(0o555)
    yield folder if immutable or os.geteuid() != 0 else Path("/proc/frontc")
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


@pytest.mark.parametrize("argv", [
    ["run", "--graph", "{g}", "--input_npy", "{x}", "--output_npy", "{L}/y.npy"],
    ["run", "--graph", "{g}", "--input_npy", "{x}", "--output_npy", "{L}/old.npy", "--force"],
    ["viz", "{g}", "-o", "{L}/g.svg"], ["complexity", "--graph-json", "{g}", "--json", "{L}/c.json"],
    ["compile", "onnx", "{onnx}", "-o", "{L}/ir"], ["checklist", "{onnx}", "-o", "{L}/out"]])
def test_a_locked_folder_is_a_one_line_error(locked, tmp_path, capsys, argv):
    from frontc.cli import main
    from tests.corpus.fixtures import make_inputs
    places = make_inputs(tmp_path / "inputs")
    before = sorted(p.name for p in locked.iterdir()) if locked.exists() else []
    assert main([a.format(L=locked, **places) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("cannot" in err or "Operation not permitted" in err), err
    assert (sorted(p.name for p in locked.iterdir()) if locked.exists() else []) == before
