"""Keras 3 functional graphs (Sequential included): scan every layer first, then convert
the layer calls in topological order; nested models are inlined."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from frontc.frontends.builder import GraphBuilder
from frontc.frontends.keras_tf.context import Context, Value
from frontc.frontends.keras_tf.graph_io import check_input_names, declare_input, finish, resolve_shape, versions
from frontc.frontends.keras_tf.keras_ops import REGISTRY, VARIANTS, KerasCall
from frontc.frontends.keras_tf.keras_ops.common import ACTIVATIONS, activation_name
from frontc.ir.graph import Graph


def functional_graph(model: Any) -> Any | None:
    """The Functional graph of a Keras model (a Sequential's inner one); None when there is
    none (a subclassed model, or a Sequential that was never built)."""
    import keras
    from keras.src.models.functional import Functional

    if isinstance(model, keras.Sequential):
        return getattr(model, "_functional", None)
    return model if isinstance(model, Functional) else None


def _nodes(fn: Any) -> Iterator[Any]:
    """The non-input nodes of a Functional graph, producers before consumers."""
    for depth in sorted(fn._nodes_by_depth, reverse=True):
        for node in fn._nodes_by_depth[depth]:
            if not node.is_input:
                yield node


def _inner(op: Any) -> Any | None:
    import keras

    return functional_graph(op) if isinstance(op, keras.Model) else None


def layer_key(op: Any) -> str:
    """The registry key of a layer: its class name, plus what about it is unsupported."""
    import keras

    cls = type(op).__name__
    if not isinstance(op, keras.layers.Layer):
        return f"ops.{cls}"
    if getattr(op, "data_format", "channels_last") == "channels_first":
        return f"{cls}(channels_first)"
    activation = activation_name(op)
    if cls != "Activation" and activation is not None and activation not in ACTIVATIONS:
        return f"{cls}(activation={activation})"
    problem = VARIANTS[cls](op) if cls in VARIANTS else None
    return f"{cls}({problem})" if problem else cls


def scan(fn: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(registry key, traceable name) of every layer call, nested models included."""
    items = []
    for node in _nodes(fn):
        op = node.operation
        inner = _inner(op)
        if inner is not None:
            items += scan(inner, f"{prefix}{op.name}/")
        else:
            items.append((layer_key(op), prefix + op.name))
    return items


def _run(fn: Any, inputs: Sequence[Value], ctx: Context, prefix: str) -> list[Value]:
    values = {id(t): v for t, v in zip(fn.inputs, inputs)}
    for node in _nodes(fn):
        op = node.operation
        args = [values[id(t)] for t in node.input_tensors]
        inner = _inner(op)
        if inner is not None:
            outs = _run(inner, args, ctx, f"{prefix}{op.name}/")
        else:
            converter = REGISTRY.lookup(layer_key(op))
            filled, _ = node.arguments.fill_in(values)
            outs = list(converter(KerasCall(op, prefix + op.name, args, tuple(filled)), ctx))
        for tensor, value in zip(node.output_tensors, outs):
            values[id(tensor)] = value
    return [values[id(t)] for t in fn.outputs]


def input_name(tensor: Any) -> str:
    """A Keras input's name: its InputLayer's (stable across save and load)."""
    return tensor._keras_history.operation.name


def convert_keras(model: Any, fn: Any, input_shapes: dict[str, Sequence[int]] | None, *,
                  source_format: str, path: str | None) -> Graph:
    """Convert a Keras model whose Functional graph is ``fn`` (one layer call at a time)."""
    version = versions("keras")
    REGISTRY.check_supported(scan(fn), source=path or model.name, framework_version=version)
    names = [input_name(t) for t in fn.inputs]
    if input_shapes:  # a SavedModel exported from the model names its inputs by Keras tensor
        aliases = {t.name: name for t, name in zip(fn.inputs, names)}
        input_shapes = {aliases.get(key, key): shape for key, shape in input_shapes.items()}
    input_shapes = check_input_names(names, input_shapes)
    ctx = Context(GraphBuilder(model.name, "keras", version))
    inputs = [declare_input(ctx, name, resolve_shape(name, tuple(t.shape), input_shapes), str(t.dtype))
              for name, t in zip(names, fn.inputs)]
    outputs = _run(fn, inputs, ctx, "")
    sources = [t._keras_history.operation.name for t in fn.outputs]
    return finish(ctx, list(zip(outputs, sources)), source_format=source_format, path=path)
