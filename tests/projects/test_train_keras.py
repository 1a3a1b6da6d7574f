"""train_keras.py's argument errors are one line, exit 2, before TensorFlow is imported (the training
itself runs in the slow tests/quant/test_frontend_step6.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "projects/fashion_mnist/train_keras.py", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_bad_epochs_and_an_existing_model_are_one_line_errors(tmp_path) -> None:
    done = _run("--epochs", "0", "-o", str(tmp_path))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "--epochs 0: must be at least 1" in done.stderr
    (tmp_path / "fashion_keras_cnn.keras").write_bytes(b"old")
    done = _run("-o", str(tmp_path))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "file exists" in done.stderr
    assert (tmp_path / "fashion_keras_cnn.keras").read_bytes() == b"old"
