"""Reading the YAML files users write (hardware profiles, model cards): one error contract."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from frontc.ir.errors import OptionError


def read_yaml(path: str | os.PathLike, what: str) -> Any:
    """The parsed YAML document at ``path``; OptionError naming ``what`` (e.g. "hardware file") and the
    path when it is missing or cannot be read or parsed."""
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise OptionError(f"{what} not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise OptionError(f"cannot read the {what}: {str(exc).splitlines()[0]}", path=str(path)) from None
