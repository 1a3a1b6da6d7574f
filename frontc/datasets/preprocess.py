"""The PREPROCESS spec: resize, optional center crop, mean/std in 0-255 pixel units, RGB or BGR."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.ir.errors import OptionError

COLORS = ("RGB", "BGR")
KEYS = ("resize", "crop", "mean", "std", "color")


def _size(value: Any, key: str) -> tuple[int, int] | int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise OptionError(f"PREPROCESS.{key}: {value!r} is not a size", hint="give an int or [height, width]")
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2 \
            and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        return (int(value[0]), int(value[1]))
    raise OptionError(f"PREPROCESS.{key}: {value!r} is not a size", hint="give an int or [height, width]")


def _channels(value: Any, key: str, default: float) -> tuple[float, ...]:
    if value is None:
        return (default,)
    values = [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise OptionError(f"PREPROCESS.{key}: {value!r} is not a number or a list of numbers") from None
    if len(out) not in (1, 3) or not all(np.isfinite(out)):
        raise OptionError(f"PREPROCESS.{key}: {value!r} needs 1 or 3 finite numbers (one per channel)")
    if key == "std" and any(v <= 0 for v in out):
        raise OptionError(f"PREPROCESS.std: {value!r} must be positive")
    return out


@dataclass(frozen=True)
class Preprocess:
    """How an image file becomes an input: x = (pixel - mean) / std, pixels in 0-255.

    ``resize``: an int resizes the shorter side to it (aspect kept), [h, w] resizes exactly;
    ``crop``: a center crop (int or [h, w]) after the resize; ``color: BGR`` reverses the
    channels; ``mean``/``std`` (one value, or one per channel) are in the order the model sees.
    """

    resize: int | tuple[int, int] | None = None
    crop: int | tuple[int, int] | None = None
    mean: tuple[float, ...] = (0.0,)
    std: tuple[float, ...] = (1.0,)
    color: str = "RGB"

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> Preprocess:
        """The spec of a config's PREPROCESS mapping (None: raw 0-255 pixels, no resize)."""
        section = dict(section or {})
        unknown = sorted(set(section) - set(KEYS))
        if unknown:
            raise OptionError(f"PREPROCESS: unknown key(s) {unknown}", hint=f"known: {list(KEYS)}")
        color = str(section.get("color", "RGB")).upper()
        if color not in COLORS:
            raise OptionError(f"PREPROCESS.color: {section['color']!r} is not RGB or BGR")
        return cls(_size(section.get("resize"), "resize"), _size(section.get("crop"), "crop"),
                   _channels(section.get("mean"), "mean", 0.0), _channels(section.get("std"), "std", 1.0),
                   color)

    def to_json(self) -> dict[str, Any]:
        return {"resize": list(self.resize) if isinstance(self.resize, tuple) else self.resize,
                "crop": list(self.crop) if isinstance(self.crop, tuple) else self.crop,
                "mean": list(self.mean), "std": list(self.std), "color": self.color}

    def apply(self, image: Any, channels: int) -> np.ndarray:
        """A PIL image as float32 HWC (``channels`` 1: grayscale, 3: RGB/BGR), normalized."""
        from PIL import Image

        image = image.convert("L" if channels == 1 else "RGB")
        if isinstance(self.resize, int):
            width, height = image.size
            scale = self.resize / min(width, height)
            image = image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.BILINEAR)
        elif self.resize is not None:
            image = image.resize((self.resize[1], self.resize[0]), Image.BILINEAR)
        if self.crop is not None:
            ch, cw = (self.crop, self.crop) if isinstance(self.crop, int) else self.crop
            width, height = image.size
            if ch > height or cw > width:
                raise OptionError(f"PREPROCESS.crop {[ch, cw]} is larger than the resized image "
                                  f"{[height, width]}", hint="resize to at least the crop size")
            left, top = (width - cw) // 2, (height - ch) // 2
            image = image.crop((left, top, left + cw, top + ch))
        pixels = np.asarray(image, dtype=np.float32)
        if pixels.ndim == 2:
            pixels = pixels[:, :, None]
        if self.color == "BGR" and channels == 3:
            pixels = pixels[:, :, ::-1]
        pixels = (pixels - np.asarray(self.mean, np.float32)) / np.asarray(self.std, np.float32)
        return np.ascontiguousarray(pixels, dtype=np.float32)

    def check_channels(self, channels: int) -> None:
        """OptionError unless mean and std have one value or one per channel of the model."""
        for key, values in (("mean", self.mean), ("std", self.std)):
            if len(values) not in (1, channels):
                raise OptionError(f"PREPROCESS.{key} has {len(values)} values but the model input has "
                                  f"{channels} channel(s)", hint="give one value or one per channel")
