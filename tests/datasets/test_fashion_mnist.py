"""The Fashion-MNIST idx reader: the installed files, and one-line errors for broken ones."""
from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from frontc.datasets import fashion_mnist
from frontc.ir.errors import ModelLoadError, OptionError


def test_the_installed_splits() -> None:
    train, test = fashion_mnist.load("train"), fashion_mnist.load("test")
    assert train.images.shape == (60000, 28, 28) and test.images.shape == (10000, 28, 28)
    assert train.images.dtype == np.uint8 and train.labels.dtype == np.uint8
    assert np.bincount(train.labels).tolist() == [6000] * 10   # the dataset is balanced
    assert np.bincount(test.labels).tolist() == [1000] * 10
    pixels = train.images / 255.0
    assert abs(pixels.mean() - fashion_mnist.MEAN) < 1e-4 and abs(pixels.std() - fashion_mnist.STD) < 1e-4
    x = fashion_mnist.normalize(test.images[:5])
    assert x.shape == (5, 1, 28, 28) and x.dtype == np.float32


def _write(folder, split, images: bytes, labels: bytes) -> None:
    names = fashion_mnist.FILES[split]
    for name, data in zip(names, (images, labels)):
        with gzip.open(folder / name, "wb") as f:
            f.write(data)


def test_a_small_folder_reads_back(tmp_path) -> None:
    images = np.arange(2 * 28 * 28, dtype=np.uint16).astype(np.uint8).reshape(2, 28, 28)
    _write(tmp_path, "test", struct.pack(">IIII", 0x803, 2, 28, 28) + images.tobytes(),
           struct.pack(">II", 0x801, 2) + bytes([3, 9]))
    split = fashion_mnist.load("test", root=tmp_path)
    assert np.array_equal(split.images, images) and split.labels.tolist() == [3, 9]


@pytest.mark.parametrize("images, labels, message", [
    (struct.pack(">IIII", 0x801, 1, 28, 28) + bytes(784), struct.pack(">II", 0x801, 1) + b"\0",
     "magic number 0x00000801, expected 0x00000803"),
    (struct.pack(">IIII", 0x803, 2, 28, 28) + bytes(784), struct.pack(">II", 0x801, 2) + b"\0\0",
     "the header says 2 images"),
    (struct.pack(">IIII", 0x803, 1, 28, 28) + bytes(784), struct.pack(">II", 0x801, 2) + b"\0",
     "holds 1 labels, the header says 2"),
    (struct.pack(">IIII", 0x803, 1, 28, 28) + bytes(784), struct.pack(">II", 0x801, 1) + b"\x0c",
     "label 12"),
    (struct.pack(">IIII", 0x803, 1, 28, 28) + bytes(784), struct.pack(">II", 0x801, 2) + b"\0\0",
     "1 images but t10k-labels-idx1-ubyte.gz holds 2 labels"),
    (b"\0\0", struct.pack(">II", 0x801, 1) + b"\0", "too short for an idx header"),
])
def test_broken_files_fail_in_one_line(tmp_path, images: bytes, labels: bytes, message: str) -> None:
    _write(tmp_path, "test", images, labels)
    with pytest.raises(ModelLoadError, match=message) as info:
        fashion_mnist.load("test", root=tmp_path)
    assert "\n" not in str(info.value) and str(tmp_path) in str(info.value)


def test_missing_folder_and_bad_split(tmp_path) -> None:
    with pytest.raises(ModelLoadError, match="no such Fashion-MNIST file.*dataset-fashion-mnist"):
        fashion_mnist.load("train", root=tmp_path)
    (tmp_path / fashion_mnist.FILES["train"][0]).write_bytes(b"not gzip")
    (tmp_path / fashion_mnist.FILES["train"][1]).write_bytes(b"not gzip")
    with pytest.raises(ModelLoadError, match="not a readable gzip file"):
        fashion_mnist.load("train", root=tmp_path)
    with pytest.raises(OptionError, match="unknown Fashion-MNIST split 'val'"):
        fashion_mnist.load("val")
