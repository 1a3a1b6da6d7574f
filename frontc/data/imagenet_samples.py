"""foolbox's 20 labelled ImageNet JPEGs (``imagenet_00_243.jpg`` is class 243), as 224x224 RGB.

The images are read from the installed foolbox package's ``data/`` folder (nothing is
downloaded); ``pip install --no-deps foolbox==3.3.4`` provides them.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np

from frontc.ir.errors import ModelLoadError

FILE_PATTERN = re.compile(r"imagenet_(\d+)_(\d+)\.jpg$")
RESIZE_SHORTER = 256
CROP = 224


def samples_dir() -> Path:
    """The ``data/`` folder of the installed foolbox package."""
    spec = importlib.util.find_spec("foolbox")
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError("foolbox is not installed, so its ImageNet samples are missing",
                             hint="pip install --no-deps foolbox==3.3.4")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def sample_files() -> list[tuple[Path, int]]:
    """(path, label) of every ImageNet sample, in file-name order."""
    folder = samples_dir()
    found = []
    for path in sorted(folder.glob("imagenet_*.jpg")):
        match = FILE_PATTERN.search(path.name)
        if match:
            found.append((path, int(match.group(2))))
    if not found:
        raise ModelLoadError(f"{folder}: no imagenet_NN_LABEL.jpg samples found",
                             hint="reinstall foolbox==3.3.4")
    return found


def load_image(path: Path, size: int = CROP, resize_shorter: int = RESIZE_SHORTER) -> np.ndarray:
    """An RGB image as float32 HWC in [0, 1]: shorter side resized (bilinear), then center-cropped."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
        width, height = image.size
        scale = resize_shorter / min(width, height)
        image = image.resize((round(width * scale), round(height * scale)), Image.BILINEAR)
        left = (image.size[0] - size) // 2
        top = (image.size[1] - size) // 2
        image = image.crop((left, top, left + size, top + size))
        return np.asarray(image, dtype=np.float32) / 255.0


def imagenet_samples(size: int = CROP, mean: float | tuple[float, float, float] = 0.5,
                     std: float | tuple[float, float, float] = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """(images NCHW float32 normalized as (x - mean) / std on [0, 1] pixels, labels int64)."""
    files = sample_files()
    images = np.stack([load_image(path, size, round(size * RESIZE_SHORTER / CROP)) for path, _ in files])
    images = (images - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    labels = np.array([label for _, label in files], dtype=np.int64)
    return np.ascontiguousarray(images.transpose(0, 3, 1, 2)), labels
