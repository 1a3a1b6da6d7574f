"""Labelled image lists: ``image_file`` lines ``relative/path.jpg LABEL`` and an optional synset list."""
from __future__ import annotations

from pathlib import Path

from frontc.ir.errors import OptionError


def _read_lines(path: Path, what: str) -> list[str]:
    try:
        return path.read_text().splitlines()
    except FileNotFoundError:
        raise OptionError(f"{what} not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionError(f"cannot read the {what}: {exc}", path=str(path)) from None


def read_paths(list_file: str | Path) -> list[Path]:
    """The images a list file names (first word of each line, relative to the list's folder)."""
    path = Path(list_file)
    files = []
    for number, line in enumerate(_read_lines(path, "image list"), 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        image = path.parent / words[0]
        if not image.is_file():
            raise OptionError(f"line {number}: image '{words[0]}' not found", path=str(path))
        files.append(image)
    if not files:
        raise OptionError("the image list names no images", path=str(path))
    return files


def read_synsets(label_file: str | Path) -> dict[str, int]:
    """Class index by synset id: line i (first word) of ``label_file`` is class i."""
    path = Path(label_file)
    words = [line.split()[0] for line in _read_lines(path, "label file") if line.strip()]
    if not words:
        raise OptionError("the label file is empty", path=str(path), hint="one synset id per line")
    return {word: i for i, word in enumerate(words)}


def read_image_list(image_file: str | Path, root: str | Path,
                    label_file: str | Path | None = None) -> tuple[list[Path], list[int]]:
    """(image paths under ``root``, class indices) from ``image_file``; LABEL is a class index, or a
    synset id of ``label_file``. Blank lines and lines starting with # are skipped."""
    path, root = Path(image_file), Path(root)
    synsets = read_synsets(label_file) if label_file is not None else None
    files, labels = [], []
    for number, line in enumerate(_read_lines(path, "image list"), 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if len(words) != 2:
            raise OptionError(f"line {number}: '{line.strip()}' is not 'relative/path.jpg LABEL'", path=str(path))
        name, label = words
        if synsets is not None and label in synsets:
            index = synsets[label]
        elif label.isdigit():
            index = int(label)
            if synsets is not None and index >= len(synsets):
                raise OptionError(f"line {number}: class {index} is beyond the {len(synsets)} classes of "
                                  f"the label file {label_file}", path=str(path))
        else:
            where = f"the label file {label_file}" if synsets is not None else "a class index"
            raise OptionError(f"line {number}: label '{label}' is not in {where}", path=str(path),
                              hint="use a class index or a synset id listed in label_file")
        image = root / name
        if not image.is_file():
            raise OptionError(f"line {number}: image '{name}' not found under {root}", path=str(path))
        files.append(image)
        labels.append(index)
    if not files:
        raise OptionError("the image list names no images", path=str(path))
    return files, labels
