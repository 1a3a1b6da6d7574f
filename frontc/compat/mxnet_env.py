"""Import mxnet 1.9.1 and gluoncv 0.10.5 next to numpy>=1.24 and torch>=2.

Two steps are needed:

1. numpy removed the aliases ``np.bool``, ``np.int``, ``np.float``, ``np.object``,
   ``np.complex`` and ``np.str``, which mxnet and gluoncv still use; they are
   restored (to the builtins / ``np.bool_``) before either is imported.
2. gluoncv refuses to import when ``import torch`` finds torch>=2; ``torch`` is
   hidden (``sys.modules['torch'] = None`` makes ``import torch`` fail) only while
   ``import gluoncv`` runs, then put back.

Importing mxnet also sets the OpenMP thread count (which torch shares) to 1, so
``torch.get_num_threads()`` drops to 1; the counts are set back afterwards.
"""
from __future__ import annotations

import ctypes
import importlib
import sys
from types import ModuleType

import numpy as np

from frontc.ir.errors import ModelLoadError

NUMPY_ALIASES = {"bool": np.bool_, "int": int, "float": float, "object": object,
                 "complex": complex, "str": str}


def _restore_numpy_aliases() -> None:
    for name, value in NUMPY_ALIASES.items():
        if name not in np.__dict__:
            setattr(np, name, value)


def _openmp() -> ctypes.CDLL | None:
    """The process's GNU OpenMP runtime (shared by mxnet and torch), if it can be loaded."""
    try:
        return ctypes.CDLL("libgomp.so.1")
    except OSError:
        return None


def import_mxnet() -> ModuleType:
    """``import mxnet`` with the numpy aliases restored and the thread counts kept."""
    if "mxnet" in sys.modules:
        return sys.modules["mxnet"]
    _restore_numpy_aliases()
    torch = sys.modules.get("torch")
    torch_threads = torch.get_num_threads() if torch is not None else None
    omp = _openmp()
    omp_threads = omp.omp_get_max_threads() if omp is not None else None
    try:
        mx = importlib.import_module("mxnet")
    except ImportError as exc:
        raise ModelLoadError(f"cannot import mxnet: {exc}",
                             hint="install mxnet==1.9.1 (scripts/setup.sh does)") from None
    if omp is not None:
        omp.omp_set_num_threads(omp_threads)
    if torch is not None:
        torch.set_num_threads(torch_threads)
    return mx


def import_gluoncv() -> ModuleType:
    """``import gluoncv`` (after mxnet) with torch hidden for the duration of the import."""
    if "gluoncv" in sys.modules:
        return sys.modules["gluoncv"]
    import_mxnet()
    torch = sys.modules.get("torch")
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes ``import torch`` fail
    try:
        return importlib.import_module("gluoncv")
    except ImportError as exc:
        raise ModelLoadError(f"cannot import gluoncv: {exc}",
                             hint="install gluoncv==0.10.5.post0 (scripts/setup.sh does)") from None
    finally:
        if torch is None:
            del sys.modules["torch"]
        else:
            sys.modules["torch"] = torch
