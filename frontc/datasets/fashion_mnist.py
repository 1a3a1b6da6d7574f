"""Fashion-MNIST from its idx files (``*-idx3-ubyte.gz`` images, ``*-idx1-ubyte.gz`` labels), numpy only.

The Debian package ``dataset-fashion-mnist`` installs the four files in ``DEFAULT_ROOT``. The idx
format is big-endian: a magic number (0x00000803 images, 0x00000801 labels), the counts, then
uint8 data. Every header and size is checked; a bad file is a one-line ModelLoadError naming it.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from frontc.ir.errors import ModelLoadError, OptionError

DEFAULT_ROOT = Path("/usr/share/datasets/fashion-mnist")
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}
SIZES = {"train": 60000, "test": 10000}
IMAGE_MAGIC, LABEL_MAGIC = 0x803, 0x801
ROWS = COLS = 28
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot")
MEAN, STD = 0.2860, 0.3530  # of the 60k training pixels scaled to [0, 1]
INSTALL_HINT = "apt-get install dataset-fashion-mnist, or pass root= the folder holding the idx files"


class Split(NamedTuple):
    """Images (N, 28, 28) uint8 and labels (N,) uint8 of one split."""

    images: np.ndarray
    labels: np.ndarray


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise ModelLoadError("no such Fashion-MNIST file", path=str(path), hint=INSTALL_HINT)
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as exc:
        raise ModelLoadError(f"is not a readable gzip file ({exc})", path=str(path), hint=INSTALL_HINT) from None


def _header(data: bytes, path: Path, magic: int, ndim: int) -> tuple[int, ...]:
    if len(data) < 4 + 4 * ndim:
        raise ModelLoadError(f"is {len(data)} bytes, too short for an idx header", path=str(path),
                             hint=INSTALL_HINT)
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise ModelLoadError(f"has idx magic number 0x{found:08x}, expected 0x{magic:08x}", path=str(path),
                             hint=INSTALL_HINT)
    return tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))


def read_images(path: str | os.PathLike) -> np.ndarray:
    """The (N, 28, 28) uint8 images of an idx3 file."""
    path = Path(path)
    data = _read(path)
    dims = _header(data, path, IMAGE_MAGIC, 3)
    if dims[1:] != (ROWS, COLS):
        raise ModelLoadError(f"holds {dims[1]}x{dims[2]} images, expected {ROWS}x{COLS}", path=str(path),
                             hint=INSTALL_HINT)
    body = data[16:]
    if len(body) != dims[0] * ROWS * COLS:
        raise ModelLoadError(f"holds {len(body)} pixel bytes, the header says {dims[0]} images "
                             f"({dims[0] * ROWS * COLS} bytes)", path=str(path), hint=INSTALL_HINT)
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def read_labels(path: str | os.PathLike) -> np.ndarray:
    """The (N,) uint8 labels (0-9) of an idx1 file."""
    path = Path(path)
    data = _read(path)
    (count,) = _header(data, path, LABEL_MAGIC, 1)
    labels = np.frombuffer(data[8:], dtype=np.uint8)
    if labels.size != count:
        raise ModelLoadError(f"holds {labels.size} labels, the header says {count}", path=str(path),
                             hint=INSTALL_HINT)
    if labels.size and int(labels.max()) >= len(CLASSES):
        raise ModelLoadError(f"holds label {int(labels.max())}, expected 0-{len(CLASSES) - 1}", path=str(path),
                             hint=INSTALL_HINT)
    return labels


def load(split: str = "train", root: str | os.PathLike | None = None) -> Split:
    """One split ('train': 60,000 images, 'test': 10,000) with its labels, checked against each other."""
    if split not in FILES:
        raise OptionError(f"unknown Fashion-MNIST split {split!r}", hint=f"use one of {sorted(FILES)}")
    folder = Path(root) if root is not None else DEFAULT_ROOT
    image_file, label_file = (folder / name for name in FILES[split])
    images, labels = read_images(image_file), read_labels(label_file)
    if len(images) != len(labels):
        raise ModelLoadError(f"holds {len(images)} images but {label_file.name} holds {len(labels)} labels",
                             path=str(image_file), hint=INSTALL_HINT)
    if root is None and len(images) != SIZES[split]:
        raise ModelLoadError(f"holds {len(images)} images, the {split} split has {SIZES[split]}",
                             path=str(image_file), hint=INSTALL_HINT)
    return Split(images, labels)


def normalize(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) images as float32 (N, 1, 28, 28), scaled to [0, 1] and standardized."""
    return ((images.astype(np.float32) / 255.0 - MEAN) / STD)[:, None, :, :]
