"""LSTM, GRU and RNN -> nn.LSTM, nn.GRU, nn.RNN run with the IR's weights.

The layer holds W, R and B in the IR's (ONNX) shapes and gate order, so the state dict maps one
to one onto the IR params; each call reorders the gates into torch's (LSTM i f g o, GRU r z n)
and runs the native layer through ``torch.func.functional_call``. Sequence lengths pack the
batch (torch zeroes Y past each length and returns the state at its last step, as the IR does).
What torch's layers cannot compute (GRU with linear_before_reset=0, a single reverse direction
with sequence lengths) is refused.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from frontc.backends.torch.registry import LayerContext, layer
from frontc.ir.graph import Node

# torch gate k is IR gate ORDER[op][k]
ORDER = {"LSTM": (0, 2, 3, 1), "GRU": (1, 0, 2), "RNN": (0,)}


class Recurrent(nn.Module):
    """An IR recurrent node over torch's native layer (see the module docstring)."""

    def __init__(self, node: Node, ctx: LayerContext) -> None:
        super().__init__()
        a = ctx.attrs
        self.op, self.size, self.layout = node.op, a["hidden_size"], a["layout"]
        self.direction = a["direction"]
        self.dirs = 2 if self.direction == "bidirectional" else 1
        self.has = {i: ctx.present(i) for i in range(4, 7)}
        input_size = ctx.shape(0)[2]
        kwargs = {"batch_first": bool(self.layout), "bidirectional": self.dirs == 2, "dtype": ctx.dtype(0)}
        if self.op == "RNN":
            kwargs["nonlinearity"] = a["activation"].lower()
        self._template = [getattr(nn, self.op)(input_size, self.size, **kwargs)]  # not a submodule
        gates = len(ORDER[self.op]) * self.size
        self.W = nn.Parameter(torch.zeros(self.dirs, gates, input_size, dtype=ctx.dtype(0)))
        self.R = nn.Parameter(torch.zeros(self.dirs, gates, self.size, dtype=ctx.dtype(0)))
        self.B = nn.Parameter(torch.zeros(self.dirs, 2 * gates, dtype=ctx.dtype(0))) if ctx.present(3) else None

    def _gates(self, w: torch.Tensor) -> torch.Tensor:
        return torch.cat([w.narrow(0, g * self.size, self.size) for g in ORDER[self.op]])

    def _weights(self) -> dict[str, torch.Tensor]:
        weights = {}
        gates = len(ORDER[self.op]) * self.size
        for d in range(self.dirs):
            tag = "_reverse" if d else ""
            weights[f"weight_ih_l0{tag}"] = self._gates(self.W[d])
            weights[f"weight_hh_l0{tag}"] = self._gates(self.R[d])
            bias = self.B[d] if self.B is not None else self.W.new_zeros(2 * gates)
            weights[f"bias_ih_l0{tag}"] = self._gates(bias[:gates])
            weights[f"bias_hh_l0{tag}"] = self._gates(bias[gates:])
        return weights

    def _state(self, s: torch.Tensor) -> torch.Tensor:
        return s.transpose(0, 1).contiguous() if self.layout else s

    def forward(self, x: torch.Tensor, *rest: torch.Tensor) -> tuple[torch.Tensor, ...]:
        given = list(rest)
        lens = given.pop(0) if self.has[4] else None
        states = [given.pop(0) if self.has[5 + k] else None for k in range(2 if self.op == "LSTM" else 1)]
        time = 1 if self.layout else 0
        batch = x.shape[1 - time]
        zeros = x.new_zeros(self.dirs, batch, self.size)
        hx = [zeros if s is None else self._state(s) for s in states]
        hx = tuple(hx) if self.op == "LSTM" else hx[0]
        reverse = self.direction == "reverse"
        source = x.flip(time) if reverse else x
        if lens is not None:
            source = pack_padded_sequence(source, lens.cpu().to(torch.int64), batch_first=bool(self.layout),
                                          enforce_sorted=False)
        y, last = torch.func.functional_call(self._template[0], self._weights(), (source, hx))
        if lens is not None:
            y, _ = pad_packed_sequence(y, batch_first=bool(self.layout), total_length=x.shape[time])
        y = y.flip(time) if reverse else y
        steps = x.shape[time]
        y = y.reshape(batch, steps, self.dirs, self.size) if self.layout else \
            y.reshape(steps, batch, self.dirs, self.size).transpose(1, 2)
        last = last if isinstance(last, tuple) else (last,)
        return (y.contiguous(), *[self._state(s) for s in last])

    def extra_repr(self) -> str:
        return f"{self.op}, hidden_size={self.size}, direction={self.direction}, layout={self.layout}"


@layer("LSTM", "GRU", "RNN", slots={1: "W", 2: "R", 3: "B"})
def recurrent(node: Node, ctx: LayerContext) -> nn.Module:
    """LSTM / GRU / RNN -> nn.LSTM / nn.GRU / nn.RNN with the IR's weights."""
    ctx.need_held(1, 2, 3)
    if node.op == "GRU" and not ctx.attrs["linear_before_reset"]:
        raise ctx.unsupported("nn.GRU applies the reset gate after the recurrent product "
                              "(linear_before_reset=1) only")
    if ctx.attrs["direction"] == "reverse" and ctx.present(4):
        raise ctx.unsupported("a single reverse direction with sequence_lens has no torch layer",
                              hint="torch reverses packed sequences only in bidirectional layers")
    return Recurrent(node, ctx)
