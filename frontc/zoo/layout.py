"""Where things live in the model zoo: the root, safe names, version folder names.

``<root>/<domain>/<task>/<model>/{original | YYYYMMDD_sp<rate>_<H>x<W>}/``
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from frontc.ir.errors import OptionError

DOMAINS = ("vision", "nlp", "recommendation")
ORIGINAL = "original"
ENV = "FRONTC_ZOO"
DEFAULT = "MODEL_ZOO"
SOURCE_DIRS = ("frontc", "tests", "examples", "scripts", "configs", "projects", "bench")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")
_VERSION = re.compile(r"(original|\d{8}_sp\d+(\.\d+)?_\d+x\d+)")


def checkout_root() -> Path:
    """The folder that holds the frontc package (the checkout)."""
    return Path(__file__).resolve().parents[2]


def zoo_root(option: str | None = None) -> Path:
    """The zoo root: --zoo, else $FRONTC_ZOO, else ./MODEL_ZOO; never inside the checkout's sources."""
    text = option or os.environ.get(ENV) or DEFAULT
    root = Path(text).expanduser().resolve()
    checkout = checkout_root()
    for name in SOURCE_DIRS:
        source = checkout / name
        if root == source or source in root.parents:
            raise OptionError(f"zoo root {root} is inside the checkout's sources ({source})",
                              hint=f"use --zoo or {ENV} to point at a folder outside {checkout}/{name}")
    return root


def check_name(kind: str, value: object) -> str:
    """``value`` if it is a safe folder name (no separators, '..', control characters or absolute paths)."""
    text = str(value) if value is not None else ""
    if not _NAME.fullmatch(text) or ".." in text:
        raise OptionError(f"{kind} name {text!r} is not allowed",
                          hint="use letters, digits and . _ + - (no '/', '..' or control characters, "
                               "at most 100 characters)")
    return text


def check_domain(value: object) -> str:
    if value not in DOMAINS:
        raise OptionError(f"domain {value!r} is not one of {list(DOMAINS)}")
    return str(value)


def check_version(value: object) -> str:
    text = str(value)
    if not _VERSION.fullmatch(text):
        raise OptionError(f"version {text!r} is not 'original' or YYYYMMDD_sp<rate>_<H>x<W>",
                          hint="e.g. 20200717_sp93.75_224x224")
    return text


def version_name(date: str, sparsity: float, input_shape: list[int]) -> str:
    """``YYYYMMDD_sp<rate>_<H>x<W>`` with the sparse rate in percent (93.75), as the seed names folders."""
    rate = f"{round(100 * float(sparsity), 2):g}"
    return check_version(f"{date}_sp{rate}_{'x'.join(str(d) for d in input_shape[-2:])}")
