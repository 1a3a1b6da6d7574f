"""Kept for code written before frontc.outputs: ``atomic_write`` is ``frontc.outputs.write_file``."""
from __future__ import annotations

import os
from pathlib import Path

from frontc.outputs import write_file


def atomic_write(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> Path:
    """``write_file(path, data, force=overwrite)``; use frontc.outputs in new code."""
    return write_file(path, data, force=overwrite)
