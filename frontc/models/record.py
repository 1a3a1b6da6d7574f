"""Training records: the small JSON a training run writes next to its model, read by the checklist.

Format (``"format": "frontc-training-record"``, ``"version": 1``), one object:

| key | type | meaning |
|---|---|---|
| ``model`` | str | model name (``fashion_cnn``) |
| ``framework`` | str | ``torch``, ``mxnet`` or ``tf`` |
| ``dataset`` | str | ``fashion-mnist`` |
| ``pattern`` | str | ``dense``, ``unstructured``, ``2:4``, ``4:8``, ``block1x4``, ``channel`` |
| ``sparse_rate`` | float | target sparsity of the pruned weights in percent (0 for dense) |
| ``top1`` | float | top-1 accuracy on the test split in percent |
| ``training_date`` | str | ``YYYYMMDD`` (UTC) the run finished |
| ``input_shape`` | list[int] | the model's input, NCHW with batch (``[1, 1, 28, 28]``) |
| ``epochs``, ``seed``, ``train_seconds`` | int, int, float | how it was trained |
| ``files`` | dict | artifact kind -> file name beside the record (``state_dict``, ``torchscript``, ``onnx``) |
| ``extra`` | dict | anything else (schedule, nnz, per-layer sparsity) |
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from frontc.ir.errors import IRFormatError
from frontc.outputs import write_file

FORMAT, VERSION = "frontc-training-record", 1
REQUIRED = ("model", "framework", "dataset", "pattern", "sparse_rate", "top1", "training_date", "input_shape")


@dataclass
class TrainingRecord:
    """What a training run produced: the model, its sparsity, accuracy, date and input shape."""

    model: str
    framework: str
    dataset: str
    pattern: str
    sparse_rate: float
    top1: float
    training_date: str
    input_shape: list[int]
    epochs: int = 0
    seed: int = 0
    train_seconds: float = 0.0
    files: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION, **asdict(self)}, indent=1, sort_keys=True) + "\n"


def write_record(path: str | os.PathLike, record: TrainingRecord, *, overwrite: bool = False) -> Path:
    """Write ``record`` atomically; an existing file is replaced only with ``overwrite``."""
    return write_file(path, record.as_json(), force=overwrite)


def read_record(path: str | os.PathLike) -> TrainingRecord:
    """A TrainingRecord from ``path``; IRFormatError naming the file and the missing or bad key."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise IRFormatError("no such training record", path=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IRFormatError(f"is not a JSON training record ({exc})", path=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise IRFormatError(f"is not a training record (format must be {FORMAT!r})", path=str(path))
    if data.get("version") != VERSION:
        raise IRFormatError(f"training record version {data.get('version')!r}, this frontc reads {VERSION}",
                            path=str(path))
    names = {f.name: f for f in fields(TrainingRecord)}
    unknown = sorted(set(data) - set(names) - {"format", "version"})
    missing = [name for name in REQUIRED if name not in data]
    if unknown or missing:
        raise IRFormatError(f"training record keys: missing {missing}, unknown {unknown}", path=str(path))
    return TrainingRecord(**{k: v for k, v in data.items() if k in names})
