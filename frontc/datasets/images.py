"""Input sets streamed in batches: folders of images (JPEG/PNG via Pillow) and .npy/.npz arrays.

Every set yields float32 batches shaped like the graph input (any batch size, the last
batch shorter), in the layout the IR records for that input (NCHW unless it says NHWC).
Only one batch is held at a time (.npy files are memory-mapped, and each row's pages leave the
process's resident set once read: streaming a large file does not grow the RSS).
"""
from __future__ import annotations

import mmap
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from frontc.datasets.preprocess import Preprocess
from frontc.ir.errors import OptionError
from frontc.ir.graph import TensorSpec

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".webp")
ARRAY_SUFFIXES = (".npy", ".npz")
LIST_SUFFIXES = (".txt", ".list")
LABELS_KEY = "labels"  # an .npz may hold the class indices of its inputs under this name


@dataclass(frozen=True)
class ImageLayout:
    """Where an image's channels, height and width go in a graph input."""

    layout: str
    channels: int
    height: int
    width: int

    @classmethod
    def of(cls, spec: TensorSpec) -> ImageLayout:
        """The image layout of a 4-D graph input (NCHW unless its spec says NHWC)."""
        if len(spec.shape) != 4:
            raise OptionError(f"input '{spec.name}' has shape {list(spec.shape)}, not an image batch "
                              "(N, C, H, W)", hint="feed an .npy/.npz of inputs instead of images")
        layout = (spec.layout or "NCHW").upper()
        if layout == "NHWC":
            _, height, width, channels = spec.shape
        elif layout == "NCHW":
            _, channels, height, width = spec.shape
        else:
            raise OptionError(f"input '{spec.name}' has layout {spec.layout}, not NCHW or NHWC")
        if channels not in (1, 3):
            raise OptionError(f"input '{spec.name}' has {channels} channels; images give 1 or 3")
        return cls(layout, channels, height, width)

    def place(self, hwc: np.ndarray) -> np.ndarray:
        """An HWC image in this layout, without the batch axis."""
        return hwc if self.layout == "NHWC" else hwc.transpose(2, 0, 1)


class InputSet:
    """A sized sequence of model inputs, read one batch at a time."""

    sample_shape: tuple[int, ...]

    def __len__(self) -> int:
        raise NotImplementedError

    def sample(self, index: int) -> np.ndarray:
        """Input ``index`` as float32, without the batch axis."""
        raise NotImplementedError

    def batches(self, batch_size: int, order: Sequence[int] | None = None) -> Iterator[np.ndarray]:
        """Batches of ``batch_size`` inputs (the last one shorter), in ``order`` (default: as stored)."""
        if batch_size < 1:
            raise OptionError(f"batch size {batch_size} must be at least 1")
        order = range(len(self)) if order is None else order
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            batch = np.empty((len(chunk), *self.sample_shape), np.float32)
            for row, index in enumerate(chunk):
                batch[row] = self.sample(index)
            yield batch


class ImageFiles(InputSet):
    """Image files decoded with Pillow and preprocessed for one graph input."""

    def __init__(self, files: Sequence[Path], spec: TensorSpec, preprocess: Preprocess) -> None:
        self.files = list(files)
        self.spec = spec
        self.layout = ImageLayout.of(spec)
        self.preprocess = preprocess
        preprocess.check_channels(self.layout.channels)
        self.sample_shape = tuple(spec.shape[1:])

    def __len__(self) -> int:
        return len(self.files)

    def head(self, n: int) -> ImageFiles:
        """The first ``n`` images."""
        return ImageFiles(self.files[:n], self.spec, self.preprocess)

    def sample(self, index: int) -> np.ndarray:
        from PIL import Image, UnidentifiedImageError

        path = self.files[index]
        try:
            with Image.open(path) as image:
                hwc = self.preprocess.apply(image, self.layout.channels)
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise OptionError(f"cannot read the image: {exc}", path=str(path),
                              hint="remove it or replace it with a JPEG/PNG file") from None
        want = (self.layout.height, self.layout.width)
        if hwc.shape[:2] != want:
            raise OptionError(f"the preprocessed image is {list(hwc.shape[:2])} (h, w) but the model "
                              f"input takes {list(want)}", path=str(path),
                              hint="set PREPROCESS resize/crop to the model's input size")
        return self.layout.place(hwc)


class ArrayInputs(InputSet):
    """Inputs stored as one (N, ...) array in an .npy (memory-mapped) or .npz file (which may
    also hold their class indices as ``labels``)."""

    def __init__(self, path: str | Path, spec: TensorSpec) -> None:
        self.path = Path(path)
        self.array = _read_array(self.path, spec.name)
        self.sample_shape = tuple(spec.shape[1:])
        if self.array.ndim != len(spec.shape) or tuple(self.array.shape[1:]) != self.sample_shape:
            raise OptionError(f"array of shape {list(self.array.shape)} does not hold inputs of shape "
                              f"{list(self.sample_shape)} for '{spec.name}'", path=str(self.path),
                              hint="store an array of shape (N, *input shape without batch)")
        if not np.issubdtype(self.array.dtype, np.number):
            raise OptionError(f"array dtype {self.array.dtype} is not numeric", path=str(self.path))
        if len(self.array) == 0:
            raise OptionError("the array holds no inputs (N = 0)", path=str(self.path))

    def __len__(self) -> int:
        return int(self.array.shape[0])

    def head(self, n: int) -> ArrayInputs:
        """The first ``n`` inputs."""
        out = ArrayInputs.__new__(ArrayInputs)
        out.path, out.array, out.sample_shape = self.path, self.array[:n], self.sample_shape
        return out

    def sample(self, index: int) -> np.ndarray:
        value = np.array(self.array[index], dtype=np.float32)
        _drop_pages(self.array, index)
        return value

    def labels(self) -> list[int]:
        """The class indices stored beside the inputs (an .npz's ``labels`` array)."""
        labels = None
        if self.path.suffix == ".npz":
            with np.load(self.path, allow_pickle=False) as archive:
                labels = archive[LABELS_KEY] if LABELS_KEY in archive.files else None
        if labels is None or labels.shape != (len(self),) or not np.issubdtype(labels.dtype, np.integer):
            raise OptionError(f"no '{LABELS_KEY}' array of {len(self)} class indices beside the inputs",
                              path=str(self.path), hint="save the set with numpy.savez(..., labels=...) "
                              "or give EVALUATION.image_file")
        return [int(v) for v in labels]


class MemoryInputs(InputSet):
    """Inputs already in memory: batches of one graph input (each (B, ...)) taken row by row."""

    def __init__(self, batches: Sequence[np.ndarray]) -> None:
        if not batches:
            raise OptionError("no inputs given")
        self.rows = np.concatenate([np.asarray(b, np.float32) for b in batches])
        self.sample_shape = tuple(self.rows.shape[1:])

    def __len__(self) -> int:
        return len(self.rows)

    def sample(self, index: int) -> np.ndarray:
        return self.rows[index]


def _drop_pages(array: np.ndarray, index: int) -> None:
    """Let the whole pages of row ``index`` of a memory-mapped array leave this process's resident set
    (the kernel keeps them in its page cache; reading the row again maps them back)."""
    mapping = getattr(array, "_mmap", None)  # np.memmap's mmap.mmap, kept by its slices
    if not isinstance(mapping, mmap.mmap):
        return
    row = array[index]
    start = row.ctypes.data - np.frombuffer(mapping, np.uint8).ctypes.data
    first = -(-start // mmap.PAGESIZE) * mmap.PAGESIZE
    end = (start + row.nbytes) // mmap.PAGESIZE * mmap.PAGESIZE
    if end > first:
        mapping.madvise(mmap.MADV_DONTNEED, first, end - first)


def _read_array(path: Path, name: str) -> np.ndarray:
    if not path.is_file():
        raise OptionError("file not found", path=str(path))
    try:
        if path.suffix == ".npy":
            return np.load(path, mmap_mode="r", allow_pickle=False)
        with np.load(path, allow_pickle=False) as archive:
            keys = [key for key in archive.keys() if key != LABELS_KEY]
            if len(keys) == 1:
                return archive[keys[0]]
            if name in keys:
                return archive[name]
            raise OptionError(f"the .npz holds {keys}, none named after the input '{name}'", path=str(path),
                              hint="store one array, or one named like the graph input")
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise OptionError(f"cannot read the array file: {exc}", path=str(path),
                          hint="save inputs with numpy.save / numpy.savez") from None


def image_folder(path: str | Path) -> list[Path]:
    """The image files under ``path`` (recursive, sorted by relative path; hidden files skipped)."""
    root = Path(path)
    if not root.is_dir():
        raise OptionError("image folder not found" if not root.exists() else "not a folder", path=str(root),
                          hint="give a folder of JPEG/PNG images or an .npy/.npz of inputs")
    try:
        entries = sorted(p for p in root.rglob("*") if p.is_file()
                         and not any(part.startswith(".") for part in p.relative_to(root).parts))
    except OSError as exc:
        raise OptionError(f"cannot list the image folder: {exc}", path=str(root)) from None
    others = [p for p in entries if p.suffix.lower() not in IMAGE_SUFFIXES]
    if others:
        raise OptionError(f"'{others[0].relative_to(root)}' is not an image file "
                          f"({len(others)} such file(s))", path=str(root),
                          hint=f"keep only images ({', '.join(IMAGE_SUFFIXES)}) in the folder")
    if not entries:
        raise OptionError("the image folder is empty", path=str(root), hint="put JPEG/PNG images in it")
    return entries


def open_inputs(path: str | Path, spec: TensorSpec, preprocess: Preprocess | None = None) -> InputSet:
    """A folder of images, a list file of images (.txt/.list, one path per line relative to it) or
    an .npy/.npz file, as inputs for graph input ``spec``."""
    path = Path(path)
    if path.suffix.lower() in ARRAY_SUFFIXES and not path.is_dir():
        return ArrayInputs(path, spec)
    if path.suffix.lower() in LIST_SUFFIXES and not path.is_dir():
        from frontc.datasets.labels import read_paths
        return ImageFiles(read_paths(path), spec, preprocess or Preprocess())
    return ImageFiles(image_folder(path), spec, preprocess or Preprocess())
