"""BuildContext: the state of one IR -> Keras build.

It holds, for every IR tensor, the Keras tensor standing for it and whether that
tensor is held channels-last (only 4-D tensors ever are); converts between the two
forms on demand (once per tensor and form); names layers after IR nodes; and
records how each IR param is stored in Keras weights (a Binding), so weights map
back to params.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from frontc.backends.tf import layout
from frontc.backends.tf.layers_math import Constant
from frontc.ir.errors import UnsupportedOpError
from frontc.ir.graph import Graph, Node


@dataclass
class Held:
    """The Keras tensor of an IR tensor and whether it is held channels-last."""

    tensor: Any
    nhwc: bool = False


@dataclass
class Binding:
    """IR param ``param`` is ``to_ir([weights...])`` of the Keras weights ``sources``
    (layer name, index into ``layer.get_weights()``)."""

    param: str
    sources: list[tuple[str, int]]
    to_ir: Callable[[list[np.ndarray]], np.ndarray]


def sanitize(name: str) -> str:
    """A Keras/TF-safe layer name: letters, digits, ``_ . -``, starting with a letter or digit."""
    name = re.sub(r"[^A-Za-z0-9_.\-]", "_", name)
    return name if name[:1].isalnum() else f"n{name}"


class BuildContext:
    """State shared by the layer factories while one graph is rebuilt."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.held: dict[str, Held] = {}
        self.bindings: list[Binding] = []
        self.node_layers: dict[str, list[str]] = {}
        self.node: Node | None = None
        self.anchor: Any = None
        self._forms: dict[tuple[str, str], Any] = {}
        self._taken: set[str] = set()

    # ------------------------------------------------------------------ naming
    def unique(self, base: str) -> str:
        base = sanitize(base)
        name, i = base, 1
        while name in self._taken:
            name, i = f"{base}_{i}", i + 1
        self._taken.add(name)
        return name

    def name(self, suffix: str = "") -> str:
        """A unique layer name for the current node: its name, plus ``_suffix`` if given."""
        base = self.node.name if self.node else "output"
        return self.unique(f"{base}_{suffix}" if suffix else base)

    def fail(self, message: str, hint: str | None = None) -> UnsupportedOpError:
        """The error for a node the Keras model cannot express (raise it)."""
        return UnsupportedOpError(f"{self.node.op if self.node else 'output'}: {message}",
                                  node=self.node.name if self.node else None, hint=hint)

    # ----------------------------------------------------------------- tensors
    def shape(self, tensor: str) -> tuple[int, ...]:
        """The IR (logical) shape of ``tensor``."""
        return self.graph.spec(tensor).shape

    def dtype(self, tensor: str) -> str:
        return self.graph.spec(tensor).dtype

    def rank(self, tensor: str) -> int:
        return len(self.shape(tensor))

    def param(self, tensor: str) -> np.ndarray | None:
        """The value of ``tensor`` if it is a param, else None."""
        return self.graph.params.get(tensor) if tensor else None

    def is_nhwc(self, tensor: str) -> bool:
        held = self.held.get(tensor)
        return held is not None and held.nhwc

    def set(self, tensor: str, value: Any, nhwc: bool = False) -> None:
        if nhwc and self.rank(tensor) != 4:
            raise ValueError(f"only 4-D tensors are held channels-last, not '{tensor}'")
        self.held[tensor] = Held(value, nhwc)

    def alias(self, tensor: str, source: str) -> None:
        """``tensor`` is ``source`` (Identity, Dropout)."""
        self.held[tensor] = Held(self.get(source), self.is_nhwc(source))

    def get(self, tensor: str, nhwc: bool | None = None) -> Any:
        """The Keras tensor of ``tensor``: as held (``nhwc`` None), or channels-last / as in
        the IR (a Permute added once per tensor and form). Params become Constant layers."""
        if tensor not in self.held and tensor in self.graph.params:
            return self._constant(tensor, bool(nhwc) and self.rank(tensor) == 4)
        held = self.held[tensor]
        if nhwc is None or nhwc == held.nhwc:
            return held.tensor
        if self.rank(tensor) != 4:
            raise ValueError(f"only 4-D tensors are held channels-last, not '{tensor}'")
        key = (tensor, "nhwc" if nhwc else "nchw")
        if key not in self._forms:
            perm = (2, 3, 1) if nhwc else (3, 1, 2)
            layer = keras.layers.Permute(perm, name=self.unique(f"{tensor}_to_{key[1]}"),
                                         **self.float_kwargs(tensor))
            self._forms[key] = self.call(layer, held.tensor)
        return self._forms[key]

    def channels_last(self, tensor: str) -> Any:
        """``tensor`` (rank >= 3) with its channel axis moved last: the held NHWC form of a 4-D
        tensor, or a Permute of another rank."""
        rank = self.rank(tensor)
        if rank == 4:
            return self.get(tensor, nhwc=True)
        key = (tensor, "channels_last")
        if key not in self._forms:
            perm = (*range(2, rank), 1)
            layer = keras.layers.Permute(perm, name=self.unique(f"{tensor}_to_channels_last"),
                                         **self.float_kwargs(tensor))
            self._forms[key] = self.call(layer, self.get(tensor, nhwc=False))
        return self._forms[key]

    def set_channels_last(self, tensor: str, value: Any) -> None:
        """Record ``value``, ``tensor`` with its channel axis last (inverse of ``channels_last``)."""
        rank = self.rank(tensor)
        if rank == 4:
            self.set(tensor, value, nhwc=True)
            return
        layer = keras.layers.Permute((rank - 1, *range(1, rank - 1)),
                                     name=self.unique(f"{tensor}_to_channels_first"),
                                     **self.float_kwargs(tensor))
        self.set(tensor, self.call(layer, value))

    def _constant(self, tensor: str, nhwc: bool) -> Any:
        key = (tensor, "const_nhwc" if nhwc else "const")
        if key not in self._forms:
            original = self.graph.params[tensor]
            value = layout.to_physical(original, 4, nhwc)
            layer = Constant(value.shape, str(value.dtype), name=self.unique(tensor))
            self._forms[key] = self.call(layer, self.anchor, [value])
            self.bind(tensor, layer, 0, lambda w: layout.from_physical(w, original.shape, nhwc))
        return self._forms[key]

    # ------------------------------------------------------------------ layers
    def call(self, layer: keras.layers.Layer, inputs: Any,
             weights: Sequence[np.ndarray] | None = None, **kwargs: Any) -> Any:
        """Apply ``layer`` (recorded under the current node; ``kwargs`` go to the call, such as
        a recurrent layer's ``initial_state`` and ``mask``), then set its weights."""
        out = layer(inputs, **kwargs)
        if weights is not None:
            layer.set_weights([np.asarray(w) for w in weights])
        self.node_layers.setdefault(self.node.name if self.node else "", []).append(layer.name)
        return out

    def bind(self, param: str, layer: keras.layers.Layer, index: int,
             to_ir: Callable[[np.ndarray], np.ndarray]) -> None:
        """IR param ``param`` is ``to_ir(weights[index])`` of ``layer``."""
        self.bindings.append(Binding(param, [(layer.name, index)], lambda ws: to_ir(ws[0])))

    def bind_many(self, param: str, sources: list[tuple[str, int]],
                  to_ir: Callable[[list[np.ndarray]], np.ndarray]) -> None:
        self.bindings.append(Binding(param, sources, to_ir))

    def float_kwargs(self, tensor: str) -> dict[str, Any]:
        """``dtype=`` for a native layer computing in the dtype of ``tensor`` (no autocast)."""
        dtype = self.dtype(tensor)
        return {"dtype": dtype} if dtype.startswith("float") else {}
