"""``build``: compile an emitted C model with the system C compiler into a shared object."""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from frontc.ir.errors import OptionError

LIBRARY = "libcmodel.so"
# -ffp-contract=off keeps any floating point exact; the model itself has no floating-point operation
OPT_LEVELS = {"O0": ["-O0"], "O2": ["-O2"], "O3": ["-O3"], "native": ["-O3", "-march=native"]}
BASE_FLAGS = ["-std=c99", "-shared", "-fPIC", "-Wall", "-Wno-unused-variable", "-ffp-contract=off"]


def find_compiler(cc: str | None = None) -> str:
    """The C compiler: ``cc``, else $CC, else cc/gcc/clang on PATH; OptionError when there is none."""
    candidates = [cc] if cc else ([os.environ["CC"]] if os.environ.get("CC") else ["cc", "gcc", "clang"])
    for name in candidates:
        path = shutil.which(shlex.split(name)[0]) if name else None
        if path:
            return path
    raise OptionError(f"no C compiler found (looked for {', '.join(c for c in candidates if c)})",
                      hint="install gcc (scripts/setup.sh does) or name one with --cc or $CC")


def compile_command(folder: Path, target: Path, *, opt: str = "native", cc: str | None = None,
                    extra: list[str] | None = None) -> list[str]:
    """The compiler command line for ``folder``'s sources into ``target``."""
    if opt not in OPT_LEVELS:
        raise OptionError(f"unknown optimization level '{opt}'", hint=f"choose one of {list(OPT_LEVELS)}")
    _refuse_fast_math(folder, [*OPT_LEVELS[opt], *(extra or [])])
    sources = [str(folder / name) for name in ("cmodel.c", "weights.c") if (folder / name).exists()]
    if not (folder / "cmodel.c").exists() or not (folder / "cmodel.json").exists():
        raise OptionError(f"{folder} holds no emitted C model (cmodel.c, cmodel.json)",
                          hint="run frontc cmodel emit first")
    return [find_compiler(cc), *BASE_FLAGS, *OPT_LEVELS[opt], *(extra or []), "-o", str(target), *sources]


def _refuse_fast_math(folder: Path, flags: list[str]) -> None:
    """OptionError for value-changing float flags when the model has a floating-point layer (linear
    Resize); integer-only models are unaffected by them (tested) and accept them."""
    import json
    risky = [f for f in flags if f in ("-ffast-math", "-Ofast", "-funsafe-math-optimizations", "-ffp-contract=fast")]
    try:
        floating = json.loads((folder / "cmodel.json").read_text()).get("floating_point", False)
    except (OSError, ValueError):
        return
    if risky and floating:
        raise OptionError(f"{risky[0]} would change this model's results: it has a floating-point layer "
                          "(linear Resize) that must round as numpy does", hint=f"drop {risky[0]}")


def build(folder: str | os.PathLike, target: str | os.PathLike | None = None, *, opt: str = "native",
          cc: str | None = None, extra: list[str] | None = None) -> Path:
    """Compile ``folder`` into ``target`` (default ``folder/libcmodel.so``); OptionError with the
    compiler's first error line when it fails."""
    folder = Path(folder)
    target = Path(target) if target is not None else folder / LIBRARY
    command = compile_command(folder, target, opt=opt, cc=cc, extra=extra)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except OSError as exc:
        raise OptionError(f"cannot run the C compiler {command[0]}: {exc.strerror}") from None
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if "error" in line), done.stderr.strip()[:200])
        raise OptionError(f"the C compiler failed on {folder}: {first}", hint="was the folder emitted by this "
                                                                              "frontc and left unedited?")
    return target
