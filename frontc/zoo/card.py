"""The model card (card.yaml) of a zoo version: what the model is and what the checklist measured."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from frontc.ir.errors import OptionError

CARD = "card.yaml"
# field -> what it holds (also the order of the written card)
FIELDS = {
    "model": "model name (folder name)", "domain": "vision | nlp | recommendation",
    "task": "task (folder name), e.g. classification", "framework": "source framework",
    "input_shape": "list of positive ints", "preprocessing": "mapping (resize, crop, mean, std, layout ...)",
    "accuracy": "mapping: float (top-1 or null) and quantized (strategy -> top-1 or null)",
    "sparsity": "share of zero weights in [0, 1]", "nnz": "nonzero weights", "dense_flops": "FLOPs",
    "sparse_flops": "FLOPs over nonzero weights", "checklist": "mapping: step -> yes | no | not run",
    "frontc_version": "frontc version", "date": "YYYYMMDD (training date)",
}


def _fail(path: str, message: str) -> None:
    raise OptionError(message, path=path, hint=f"a card needs {', '.join(FIELDS)}")


def validate_card(card: Any, path: str = CARD) -> dict[str, Any]:
    """The card if every required field is there with a value of the right kind, else OptionError."""
    if not isinstance(card, dict):
        _fail(path, "a card is a YAML mapping")
    missing = [key for key in FIELDS if key not in card]
    if missing:
        _fail(path, f"card misses the required field '{missing[0]}' ({FIELDS[missing[0]]})")
    shape = card["input_shape"]
    if not (isinstance(shape, list) and shape and all(isinstance(d, int) and d > 0 for d in shape)):
        _fail(path, f"card field 'input_shape' must be {FIELDS['input_shape']}, not {shape!r}")
    for key in ("nnz", "dense_flops", "sparse_flops"):
        if not isinstance(card[key], (int, float)) or card[key] < 0:
            _fail(path, f"card field '{key}' must be a number >= 0, not {card[key]!r}")
    if not isinstance(card["sparsity"], (int, float)) or not 0 <= card["sparsity"] <= 1:
        _fail(path, f"card field 'sparsity' must be in [0, 1], not {card['sparsity']!r}")
    accuracy = card["accuracy"]
    if not (isinstance(accuracy, dict) and "float" in accuracy and isinstance(accuracy.get("quantized"), dict)):
        _fail(path, f"card field 'accuracy' must be a {FIELDS['accuracy']}")
    for key in ("preprocessing", "checklist"):
        if not isinstance(card[key], dict):
            _fail(path, f"card field '{key}' must be a mapping")
    if not re.fullmatch(r"\d{8}", str(card["date"])):
        _fail(path, f"card field 'date' must be YYYYMMDD, not {card['date']!r}")
    return card


def read_card(path: str | Path) -> dict[str, Any]:
    """A validated card from a YAML file."""
    from frontc.configfile import read_yaml

    return validate_card(read_yaml(path, "card file"), str(path))


def card_bytes(card: dict[str, Any]) -> bytes:
    """The card as YAML, required fields first in a fixed order."""
    import yaml
    ordered = {key: card[key] for key in FIELDS} | {k: v for k, v in card.items() if k not in FIELDS}
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True).encode()
