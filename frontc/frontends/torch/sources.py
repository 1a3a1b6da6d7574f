"""What the torch frontend accepts, turned into something torch.export can trace.

- an ``nn.Module`` (put in eval mode; a copy with ``torch.nn.utils.prune`` hooks made permanent);
- a TorchScript file (``torch.jit.save``) or ``ScriptModule``: read with ``torch.jit.load``;
- a state_dict file with ``module=`` the architecture: read with ``torch.load(weights_only=True)``
  and loaded strictly into ``module`` (``weight_orig`` / ``weight_mask`` pairs of
  ``torch.nn.utils.prune`` are folded into ``weight`` first);
- an ExportedProgram, or a ``.pt2`` file written by ``torch.export.save``.

Files are never unpickled beyond what ``weights_only=True`` allows.
"""
from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from frontc.compat.torch_prune import fold_state_dict, has_reparametrization, removed
from frontc.ir.errors import ModelLoadError, OptionError

SAVE_HINT = ("save model.state_dict() and pass module=<the nn.Module> with it, or save TorchScript "
             "with torch.jit.save(torch.jit.script(model), path)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def read_weights(path: Path) -> Any:
    """``torch.load(path, weights_only=True)``; ModelLoadError saying what the file holds instead."""
    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises UnpicklingError, RuntimeError, KeyError, EOFError...
        found = re.search(r"GLOBAL ([\w.]+)", str(exc))
        if found:
            raise ModelLoadError(f"holds a pickled Python object ({found.group(1)}), which frontc does not "
                                 "unpickle (torch.load weights_only=True)", path=str(path),
                                 hint=SAVE_HINT) from None
        raise ModelLoadError(f"is not a PyTorch file that torch.load(weights_only=True) can read: "
                             f"{_first_line(exc)}", path=str(path),
                             hint="pass a TorchScript file, a state_dict file with module=, or an nn.Module"
                             ) from None


def load_state_dict_file(path: Path, module: Any) -> Any:
    """``module`` (an nn.Module) with the state_dict in ``path`` loaded strictly."""
    import torch

    if not isinstance(module, torch.nn.Module):
        raise OptionError(f"module= must be an nn.Module, got {type(module).__name__}")
    state = read_weights(path)
    if isinstance(state, Mapping) and isinstance(state.get("state_dict"), Mapping):
        state = state["state_dict"]
    if isinstance(state, Mapping):
        state = fold_state_dict(state)
    if not isinstance(state, Mapping) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ModelLoadError(f"holds a {type(state).__name__}, not a state_dict of tensors", path=str(path),
                             hint="save model.state_dict()")
    expected = set(module.state_dict())
    missing, unexpected = sorted(expected - set(state)), sorted(set(state) - expected)
    if missing or unexpected:
        raise ModelLoadError(f"the state_dict does not fit {type(module).__name__}: "
                             f"{len(missing)} missing key(s) {missing[:3]}, "
                             f"{len(unexpected)} unexpected key(s) {unexpected[:3]}", path=str(path),
                             hint="pass module= the architecture the weights were saved from")
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        detail = next((line.strip() for line in str(exc).splitlines() if "size mismatch" in line),
                      _first_line(exc))
        raise ModelLoadError(f"the state_dict does not fit {type(module).__name__}: {detail}",
                             path=str(path), hint="pass module= the architecture the weights were saved "
                             "from") from None
    return module


def load_file(path: Path) -> Any:
    """A ScriptModule or ExportedProgram read from ``path`` (no module= given)."""
    import torch

    if path.suffix == ".pt2":
        try:
            return torch.export.load(path)
        except Exception as exc:  # a corrupt archive raises RuntimeError, KeyError, ValueError...
            raise ModelLoadError(f"is not an ExportedProgram file: {_first_line(exc)}", path=str(path),
                                 hint="write it with torch.export.save(program, path)") from None
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            is_script = any(name.endswith("/constants.pkl") or name == "constants.pkl"
                            for name in archive.namelist())
        if is_script:
            try:
                return torch.jit.load(str(path), map_location="cpu")
            except RuntimeError as exc:
                raise ModelLoadError(f"is a damaged TorchScript file: {_first_line(exc)}",
                                     path=str(path), hint="save it again with torch.jit.save") from None
    state = read_weights(path)
    raise ModelLoadError(f"holds a {'state_dict' if isinstance(state, Mapping) else type(state).__name__}, "
                         "not a model", path=str(path),
                         hint="pass module=<an nn.Module of the architecture> to load these weights into")


def resolve(model_or_path: Any, module: Any = None) -> tuple[Any, str]:
    """(an nn.Module, ScriptModule or ExportedProgram; the source's display name)."""
    import torch

    if isinstance(model_or_path, (str, os.PathLike)):
        path = Path(model_or_path)
        if not path.exists():
            raise ModelLoadError("no such file", path=str(path),
                                 hint="pass a TorchScript or state_dict file, or an nn.Module")
        if not path.is_file():
            raise ModelLoadError("is a directory, not a PyTorch file", path=str(path),
                                 hint="pass a TorchScript or state_dict file, or an nn.Module")
        model = load_state_dict_file(path, module) if module is not None else load_file(path)
        return model, str(path)
    if module is not None:
        raise OptionError("module= is only for a state_dict file",
                          hint="pass the nn.Module itself as the model, or a state_dict path with module=")
    if isinstance(model_or_path, torch.nn.Module) and not isinstance(model_or_path, torch.jit.ScriptModule) \
            and has_reparametrization(model_or_path):
        return removed(model_or_path), type(model_or_path).__name__
    if isinstance(model_or_path, (torch.nn.Module, torch.export.ExportedProgram)):
        return model_or_path, type(model_or_path).__name__
    raise OptionError(f"the torch frontend cannot read a {type(model_or_path).__name__}",
                      hint="pass an nn.Module, a TorchScript file, or a state_dict file with module=")
