"""Keras sequence layers: Embedding, LSTM / GRU / SimpleRNN (also inside Bidirectional), with the
Keras gate orders (LSTM i f c o, GRU z r h) converted once to the IR's (LSTM i o f c, GRU z r h),
LayerNormalization and GlobalAveragePooling1D/GlobalMaxPooling1D."""
from __future__ import annotations

from typing import Any

import numpy as np

from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, KerasCall, variant, weight

RNN_LAYERS = {"LSTM": "LSTM", "GRU": "GRU", "SimpleRNN": "RNN"}
ORDER = {"LSTM": (0, 3, 1, 2), "GRU": (0, 1, 2), "RNN": (0,)}  # IR gate k is Keras gate ORDER[k]


@variant("Embedding")
def _embedding_variant(layer: Any) -> str | None:
    return "mask_zero=True" if layer.mask_zero else None


@variant(*RNN_LAYERS)
def _rnn_variant(layer: Any) -> str | None:
    return _rnn_problem(layer)


@variant("Bidirectional")
def _bidirectional_variant(layer: Any) -> str | None:
    if type(layer.forward_layer).__name__ not in RNN_LAYERS:
        return f"a wrapped {type(layer.forward_layer).__name__}"
    if layer.merge_mode != "concat":
        return f"merge_mode={layer.merge_mode!r}"
    return _rnn_problem(layer.forward_layer) or _rnn_problem(layer.backward_layer, backward=True)


def _rnn_problem(layer: Any, backward: bool = False) -> str | None:
    cell = layer.cell
    activation = getattr(cell.activation, "__name__", "")
    if type(layer).__name__ == "SimpleRNN":
        if activation not in ("tanh", "relu"):
            return f"activation={activation}"
    elif activation != "tanh" or getattr(cell.recurrent_activation, "__name__", "") != "sigmoid":
        return "activations other than tanh / sigmoid"
    if layer.return_state or layer.stateful:
        return "return_state or stateful"
    if layer.go_backwards != backward:
        return "go_backwards"
    return None


@REGISTRY.register("Embedding")
def embedding(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Embedding -> Gather(table, ids, axis 0)."""
    table = ctx.param(f"{call.name}_embeddings", weight(call.layer.embeddings))
    ids = ctx.plain(call.x, call.name)
    return [ctx.emit("Gather", [table, ids], {"axis": 0}, name=call.name, source=call.name)]


def _gates(w: np.ndarray, op: str, size: int) -> np.ndarray:
    """Keras (..., gates * size) columns reordered to the IR's gates, as IR rows (gates * size, ...)."""
    return np.concatenate([w[..., g * size:(g + 1) * size] for g in ORDER[op]], axis=-1).T


def _weights(layer: Any, op: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    cell = layer.cell
    size = cell.units
    w, r = _gates(weight(cell.kernel), op, size), _gates(weight(cell.recurrent_kernel), op, size)
    if not cell.use_bias:
        return w, r, None
    bias = weight(cell.bias)
    if op == "GRU" and cell.reset_after:  # (2, 3 * units): input and recurrent biases
        return w, r, np.concatenate([_gates(bias[0], op, size), _gates(bias[1], op, size)])
    return w, r, np.concatenate([_gates(bias, op, size), np.zeros(len(ORDER[op]) * size, np.float32)])


def _recurrent(call: KerasCall, ctx: Context, layers: list[Any]) -> list[Value]:
    first = layers[0]
    op = RNN_LAYERS[type(first).__name__]
    size, dirs = first.cell.units, len(layers)
    parts = [_weights(layer, op) for layer in layers]
    inputs = [ctx.plain(call.x, call.name), ctx.param(f"{call.name}_W", np.stack([p[0] for p in parts])),
              ctx.param(f"{call.name}_R", np.stack([p[1] for p in parts]))]
    if parts[0][2] is not None:
        inputs.append(ctx.param(f"{call.name}_B", np.stack([p[2] for p in parts])))
    attrs: dict[str, Any] = {"hidden_size": size, "layout": 1,
                             "direction": "bidirectional" if dirs == 2 else "forward"}
    if op == "GRU":
        attrs["linear_before_reset"] = int(bool(first.cell.reset_after))
    if op == "RNN":
        attrs["activation"] = "Relu" if first.cell.activation.__name__ == "relu" else "Tanh"
    outs = ctx.builder.add(op, inputs, attrs, name=call.name, source=call.name, outputs=3 if op == "LSTM" else 2)
    batch, steps = ctx.source_shape(call.x)[:2]
    if first.return_sequences:
        shape, source = [batch, steps, dirs * size], outs[0]
    else:  # the last output of each direction: the final states, forward then backward
        shape, source = [batch, dirs * size], outs[1]
    return [ctx.emit("Reshape", [source], {"shape": shape}, name=f"{call.name}/output", source=call.name)]


@REGISTRY.register(*RNN_LAYERS)
def recurrent(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras LSTM / GRU / SimpleRNN -> LSTM / GRU / RNN (batch-major, layout 1)."""
    return _recurrent(call, ctx, [call.layer])


@REGISTRY.register("Bidirectional")
def bidirectional(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras Bidirectional(merge_mode='concat') of an LSTM / GRU / SimpleRNN -> one bidirectional node."""
    return _recurrent(call, ctx, [call.layer.forward_layer, call.layer.backward_layer])


@REGISTRY.register("LayerNormalization")
def layer_normalization(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras LayerNormalization over the trailing axes -> LayerNorm (rms_scaling refused)."""
    layer = call.layer
    x = ctx.plain(call.x, call.name)
    rank = len(ctx.builder.shape(x))
    axes = sorted(a % rank for a in (layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis]))
    if axes != list(range(axes[0], rank)):
        raise _unsupported(call, f"normalizing axes {axes}, which are not the trailing ones")
    shape = ctx.builder.shape(x)[axes[0]:]
    gamma = weight(layer.gamma).reshape(shape) if layer.scale else np.ones(shape, np.float32)
    inputs = [x, ctx.param(f"{call.name}_gamma", gamma)]
    if layer.center:
        inputs.append(ctx.param(f"{call.name}_beta", weight(layer.beta).reshape(shape)))
    return [ctx.emit("LayerNorm", inputs, {"axis": axes[0], "epsilon": float(layer.epsilon)},
                     name=call.name, source=call.name)]


@variant("LayerNormalization")
def _layer_norm_variant(layer: Any) -> str | None:
    return "rms_scaling=True" if getattr(layer, "rms_scaling", False) else None


@REGISTRY.register("GlobalAveragePooling1D", "GlobalMaxPooling1D")
def global_pool_1d(call: KerasCall, ctx: Context) -> list[Value]:
    """Keras GlobalAveragePooling1D / GlobalMaxPooling1D (channels last) -> ReduceMean / ReduceMax over steps."""
    layer = call.layer
    if layer.data_format != "channels_last":
        raise _unsupported(call, "data_format='channels_first'")
    op = "ReduceMean" if type(layer).__name__ == "GlobalAveragePooling1D" else "ReduceMax"
    attrs = {"axes": [1], "keepdims": int(bool(layer.keepdims))}
    return [ctx.emit(op, [ctx.plain(call.x, call.name)], attrs, name=call.name, source=call.name)]


def _unsupported(call: KerasCall, what: str) -> Exception:
    from frontc.ir.errors import UnsupportedOpError

    return UnsupportedOpError(f"Keras {type(call.layer).__name__} with {what} is not supported", node=call.name)
