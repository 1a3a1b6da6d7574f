"""The ctypes binding of a built C model: ``predict(X)`` (the batch loop runs in C) and ``trace(x)``."""
from __future__ import annotations

import ctypes
import json
import os
from pathlib import Path

import numpy as np

from frontc.cmodel.build import LIBRARY
from frontc.ir.errors import IRFormatError, OptionError
from frontc.quant.annotations import TensorQuant

_HOOK = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_INIT_ERRORS = {1: "cannot be read", 2: "does not belong to this C model", 3: "is corrupted (checksum mismatch)"}


class CModel:
    """A loaded C model: the shared object of ``folder`` and its weights, ready to run."""

    def __init__(self, folder: str | os.PathLike, library: str | os.PathLike | None = None) -> None:
        self.folder = Path(folder)
        try:
            self.manifest = json.loads((self.folder / "cmodel.json").read_text())
        except (OSError, ValueError) as exc:
            raise IRFormatError(f"not an emitted C model: {exc}", path=str(self.folder / "cmodel.json"),
                                hint="run frontc cmodel emit") from None
        lib_path = Path(library) if library is not None else self.folder / LIBRARY
        if not lib_path.exists():
            raise OptionError(f"{lib_path} does not exist", hint=f"run frontc cmodel build {self.folder}")
        self.lib = ctypes.CDLL(str(lib_path.resolve()))  # its own handle: static state per library file
        self.lib.cm_init.argtypes = [ctypes.c_char_p]
        self.lib.cm_predict.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        self.lib.cm_run_traced.argtypes = [ctypes.c_void_p, ctypes.c_void_p, _HOOK, ctypes.c_void_p]
        blob = self.manifest["blob"]["file"]
        status = self.lib.cm_init(str(self.folder / blob).encode() if blob else b"")
        if status:
            raise IRFormatError(f"weight blob {_INIT_ERRORS.get(status, status)}", path=str(self.folder / blob),
                                hint="emit and build the C model again")
        self.inputs, self.outputs, self.tensors = (self.manifest[k] for k in ("inputs", "outputs", "tensors"))
        self.input_bytes = sum(_nbytes(s) for s in self.inputs)
        self.output_bytes = sum(_nbytes(s) for s in self.outputs)

    def quantize_inputs(self, feeds: dict[str, np.ndarray] | np.ndarray) -> tuple[np.ndarray, int]:
        """The packed integer input buffer of ``feeds`` (float inputs quantized as the numpy path does),
        and how many graph-shaped samples it holds (a feed may stack several along axis 0)."""
        from frontc.quant.quantize import quantize_values
        if not isinstance(feeds, dict):
            if len(self.inputs) != 1:
                raise OptionError(f"the model has {len(self.inputs)} inputs", hint="feed a dict by input name")
            feeds = {self.inputs[0]["name"]: feeds}
        parts, count = [], None
        for spec in self.inputs:
            if spec["name"] not in feeds:
                raise OptionError(f"no value for input '{spec['name']}'", hint="feed every graph input")
            x = np.asarray(feeds[spec["name"]])
            shape = tuple(spec["shape"])
            if x.ndim != len(shape) or x.shape[1:] != shape[1:] or x.shape[0] % shape[0]:
                raise OptionError(f"input '{spec['name']}' expects shape {list(shape)} (or a stack of them along "
                                  f"axis 0), got {list(x.shape)}")
            n = x.shape[0] // shape[0]
            if count not in (None, n):
                raise OptionError("the inputs hold different numbers of samples")
            count = n
            if spec["float"]:
                q = spec["quant"]
                tq = TensorQuant(q["scale"], q["zero_point"], q["bits"], q["signed"], q["narrow"])
                x = quantize_values(np.asarray(x, np.float32), tq)
            parts.append(np.ascontiguousarray(x, spec["dtype"]).reshape(n, -1).view(np.uint8))
        return np.ascontiguousarray(np.concatenate(parts, axis=1)), count or 0

    def predict(self, feeds: dict[str, np.ndarray] | np.ndarray) -> dict[str, np.ndarray]:
        """The integer outputs by name for inputs stacked along axis 0 (one C call for the whole batch)."""
        packed, count = self.quantize_inputs(feeds)
        out = np.zeros((count, self.output_bytes), np.uint8)
        self.lib.cm_predict(packed.ctypes.data, out.ctypes.data, count)
        return self._unpack(out, self.outputs, count)

    def trace(self, feeds: dict[str, np.ndarray] | np.ndarray) -> dict[str, np.ndarray]:
        """Every tensor of one inference as ``frontc run --trace`` gives it: the inputs as fed, then
        each layer's integer output (copied out by the C trace hook)."""
        packed, count = self.quantize_inputs(feeds)
        if count != 1:
            raise OptionError("trace runs one inference; feed exactly the graph's input shape")
        values: dict[str, np.ndarray] = {}
        if not isinstance(feeds, dict):
            feeds = {self.inputs[0]["name"]: feeds}
        values.update({s["name"]: np.asarray(feeds[s["name"]]) for s in self.inputs})

        def hook(index: int, data: int, user: int) -> None:
            spec = self.tensors[index]
            raw = ctypes.string_at(data, _nbytes(spec))
            values[spec["name"]] = np.frombuffer(raw, spec["dtype"]).reshape(spec["shape"]).copy()

        out = np.zeros((1, self.output_bytes), np.uint8)
        self.lib.cm_run_traced(packed.ctypes.data, out.ctypes.data, _HOOK(hook), None)
        values.update(self._unpack(out, self.outputs, 1))
        return values

    @staticmethod
    def _unpack(out: np.ndarray, specs: list[dict], count: int) -> dict[str, np.ndarray]:
        result = {}
        for spec in specs:
            chunk = out[:, spec["offset"]:spec["offset"] + _nbytes(spec)]
            shape = [count * spec["shape"][0], *spec["shape"][1:]]
            result[spec["name"]] = np.ascontiguousarray(chunk).view(spec["dtype"]).reshape(shape)
        return result


def _nbytes(spec: dict) -> int:
    return int(np.prod(spec["shape"], dtype=np.int64)) * np.dtype(spec["dtype"]).itemsize
