"""Killed and interrupted commands: SIGKILL at several moments of a compile leaves nothing that the
next compile into the same folder does not clean up; Ctrl-C and SIGTERM end with `interrupted`, 130."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from frontc.compiler import REPORT, output_files
from frontc.ir import load_graph
from tests.corpus.fixtures import onnx_model

IR_FILES = sorted(output_files() + [REPORT])

# the child compiles; `signum` reaches it from itself at the `at`-th call of `where` (real signals, chosen moments)
CHILD = textwrap.dedent("""
    import os, sys
    import frontc.outputs as outputs
    from frontc.cli import main
    where, at, signum = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    calls = 0
    def hooked(original):
        def call(*args, **kwargs):
            global calls
            calls += 1
            if calls == at:
                os.kill(os.getpid(), signum)
            return original(*args, **kwargs)
        return call
    if where == "replace":  # the moves into place
        outputs.os.replace = hooked(os.replace)
    else:  # staging a file
        outputs.Outputs.write = hooked(outputs.Outputs.write)
    sys.exit(main(sys.argv[4:]))
""")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.onnx"
    onnx_model(path)
    return path


def _compile(model, out, *extra, where="write", at=0, signum=signal.SIGKILL):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", CHILD, where, str(at), str(int(signum)),
                           "compile", "onnx", str(model), "-o", str(out), *extra],
                          capture_output=True, text=True, env=env, timeout=300)


def _entries(out):
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


@pytest.mark.parametrize("where, at", [("write", 1), ("write", 4), ("write", 7), ("replace", 1), ("replace", 3),
                                       ("replace", 6)])
def test_sigkill_then_a_new_compile_leaves_no_temporary_and_no_partial_ir(model, tmp_path, where, at):
    out = tmp_path / "ir"
    killed = _compile(model, out, where=where, at=at)
    assert killed.returncode == -signal.SIGKILL
    assert any(name.startswith(".frontc-compile-") for name in _entries(out))  # what the kill left
    again = _compile(model, out)  # no --force: refused if the killed run's move had begun (it is finished first)
    assert _entries(out) in ([], IR_FILES), _entries(out)
    assert again.returncode == (0 if where == "write" else 2), again.stderr
    assert load_graph(out / "IR_fused_for_CModel_graph.json").outputs
    assert _compile(model, out, "--force").returncode == 0 and _entries(out) == IR_FILES


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_removes_temporaries_and_exits_130(model, tmp_path, signum):
    out = tmp_path / "ir"
    done = _compile(model, out, where="write", at=3, signum=signum)
    assert done.returncode == 130 and done.stderr == "frontc compile: interrupted\n"
    assert _entries(out) == []
    (out / "keep").mkdir(parents=True)
    (out / "IR_for_reconstruct_graph.json").write_text("old")
    done = _compile(model, out, "--force", where="replace", at=2, signum=signum)  # held off during the moves:
    assert done.returncode == 130 and _entries(out) == sorted(IR_FILES + ["keep"])  # all moved, then interrupted
    assert load_graph(out / "IR_for_reconstruct_graph.json").outputs


def test_interrupt_from_outside(model, tmp_path):
    out = tmp_path / "ir"
    child = subprocess.Popen([sys.executable, "-m", "frontc.cli", "compile", "onnx", str(model), "-o", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": os.getcwd()})
    while not out.exists() and child.poll() is None:  # the staging folder exists: the work has begun
        pass
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=300)
    assert (child.returncode, err) in ((130, "frontc compile: interrupted\n"), (0, ""))
    assert _entries(out) in ([], IR_FILES)


def test_reader_leaving_a_pipe_is_not_an_error():
    child = subprocess.Popen([sys.executable, "-m", "frontc.cli", "ops"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert child.stdout.readline()
    child.stdout.close()
    assert child.wait(timeout=120) == 0
    assert child.stderr.read() == b""


def test_tensorflow_start_up_lines_do_not_reach_stderr(tmp_path):
    (tmp_path / "m.keras").write_bytes(os.urandom(300))
    done = subprocess.run([sys.executable, "-m", "frontc.cli", "compile", "tf", str(tmp_path / "m.keras"), "-o",
                           str(tmp_path / "ir")], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("frontc compile: error:"), done.stderr
