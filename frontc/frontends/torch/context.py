"""ConversionContext: the state converters share (builder, values of fx nodes, constants, names)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.ir.errors import UnsupportedOpError


@dataclass
class Const:
    """A tensor known at conversion time (a parameter, buffer or folded constant)."""

    name: str
    value: Any  # torch.Tensor


def numpy_dtype(dtype: Any) -> str:
    """The numpy name of a torch dtype."""
    return str(dtype).removeprefix("torch.")


def to_numpy(tensor: Any) -> np.ndarray:
    return tensor.detach().cpu().contiguous().numpy()


class ConversionContext:
    """What a converter sees besides its fx node.

    ``values`` maps each converted fx node to its IR tensor name (a list for
    multi-output nodes) or to a Const; Consts become IR params when an op reads them.
    """

    def __init__(self, builder: GraphBuilder, names: dict[Any, tuple[str, str]]) -> None:
        self.builder = builder
        self.values: dict[Any, Any] = {}
        self._names = names  # fx node -> (IR base name, source name)
        self._params: dict[Any, str] = {}

    # ------------------------------------------------------------------ names
    def base(self, node: Any) -> str:
        return self._names[node][0]

    def source(self, node: Any) -> str:
        return self._names[node][1]

    def add(self, node: Any, op: str, inputs: list[str], attrs: dict[str, Any] | None = None,
            suffix: str = "", outputs: int = 1) -> list[str]:
        """Emit an IR node for fx ``node`` (``suffix`` names the extra nodes of a lowering)."""
        name = f"{self.base(node)}/{suffix}" if suffix else self.base(node)
        return self.builder.add(op, inputs, attrs, name=name, source=self.source(node), outputs=outputs)

    def add1(self, node: Any, op: str, inputs: list[str], attrs: dict[str, Any] | None = None,
             suffix: str = "") -> str:
        return self.add(node, op, inputs, attrs, suffix)[0]

    # ----------------------------------------------------------------- values
    def is_const(self, arg: Any) -> bool:
        return isinstance(self.values.get(arg) if _is_node(arg) else None, Const)

    def const(self, arg: Any) -> np.ndarray | None:
        """The value of a constant fx node as a numpy array; None when it is computed at run time."""
        value = self.values.get(arg) if _is_node(arg) else None
        return to_numpy(value.value) if isinstance(value, Const) else None

    def tensor(self, arg: Any) -> str:
        """The IR tensor of an fx node; a constant becomes a param named by its state_dict key."""
        value = self.values[arg]
        if isinstance(value, Const):
            if arg not in self._params:
                self._params[arg] = self.builder.param(value.name, to_numpy(value.value))
            return self._params[arg]
        if isinstance(value, list):
            raise UnsupportedOpError(f"fx node '{arg.name}' has {len(value)} outputs where one "
                                     "tensor is expected", node=arg.name)
        return value

    def operand(self, node: Any, arg: Any, dtype: str, suffix: str) -> str:
        """``arg`` (an fx node or a Python number) as an IR tensor of ``dtype``."""
        if not _is_node(arg):
            return self.builder.param(f"{self.base(node)}/{suffix}", np.asarray(arg, dtype=dtype))
        name = self.tensor(arg)
        if self.builder.graph.spec(name).dtype != dtype:
            if self.is_const(arg):
                return self.builder.param(f"{self.base(node)}/{suffix}", self.const(arg).astype(dtype))
            return self.add1(node, "Cast", [name], {"to": dtype}, suffix=f"{suffix}_cast")
        return name

    def shape(self, arg: Any) -> tuple[int, ...]:
        """The static shape of an fx node's (first) output, from torch's own tracing."""
        return tuple(int(d) for d in _val(arg).shape)

    def dtype(self, arg: Any) -> str:
        return numpy_dtype(_val(arg).dtype)


def _is_node(arg: Any) -> bool:
    import torch.fx

    return isinstance(arg, torch.fx.Node)


def _val(node: Any) -> Any:
    val = node.meta.get("val")
    if isinstance(val, (list, tuple)):
        val = val[0]
    return val


def bind_args(node: Any) -> dict[str, Any]:
    """The arguments of an aten call by schema name, defaults filled in."""
    schema = node.target._schema
    out: dict[str, Any] = {}
    for i, arg in enumerate(schema.arguments):
        if i < len(node.args):
            out[arg.name] = node.args[i]
        elif arg.name in node.kwargs:
            out[arg.name] = node.kwargs[arg.name]
        elif arg.has_default_value():
            out[arg.name] = arg.default_value
        else:
            out[arg.name] = None
    return out
