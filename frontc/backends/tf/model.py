"""``to_keras``: an IR graph as a Keras 3 functional model; ``params_from_keras``: its weights
back as IR params.

The model speaks the IR's layout at its edges: 4-D inputs and outputs are NCHW, with
one Permute after each 4-D input and before each 4-D output (none of them when
``channels_last_io``: then 4-D inputs and outputs are NHWC). Inside, convolutions and
pools run channels-last; see ``context`` for the layout tracking.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from frontc.backends.tf import layout
from frontc.backends.tf.context import Binding, BuildContext, Held, sanitize
from frontc.backends.tf.registry import check_supported, get_factory
from frontc.ir.errors import FrontcError, GraphError, OptionError, UnsupportedOpError
from frontc.ir.graph import Graph
from frontc.ir.infer import node_attrs
from frontc.ir.validate import lint


@dataclass
class KerasBuild:
    """What ``to_keras`` knows about a model it built: the graph, every IR tensor's Keras
    tensor (as held), the param bindings and the layers of each IR node."""

    graph: Graph
    channels_last_io: bool
    tensors: dict[str, Held]
    bindings: list[Binding]
    node_layers: dict[str, list[str]]
    trace_model: keras.Model | None = None
    trace_index: dict[str, int] = field(default_factory=dict)


_BUILDS: weakref.WeakKeyDictionary[keras.Model, KerasBuild] = weakref.WeakKeyDictionary()


def to_keras(graph: Graph, *, channels_last_io: bool = False) -> keras.Model:
    """A Keras functional model computing ``graph`` (NCHW at its edges unless ``channels_last_io``).

    Raises UnsupportedOpError listing every op without a Keras form, or naming the first
    node whose attributes Keras cannot express.
    """
    lint(graph)
    check_supported(graph)
    if not graph.inputs:
        raise GraphError(f"graph '{graph.name}' has no inputs", hint="a Keras model needs one")
    ctx = BuildContext(graph)
    inputs = []
    for spec in graph.inputs:
        nhwc = channels_last_io and len(spec.shape) == 4
        tensor = keras.Input(batch_shape=layout.shape(spec.shape, nhwc), dtype=spec.dtype,
                             name=ctx.unique(spec.name))
        ctx.set(spec.name, tensor, nhwc)
        inputs.append(tensor)
    ctx.anchor = inputs[0]
    for node in graph.nodes:
        ctx.node = node
        try:
            get_factory(node.op)(ctx, node, node_attrs(node))
        except FrontcError as exc:
            if exc.node:
                raise
            raise type(exc)(exc.message, node=node.name, hint=exc.hint) from exc
        except (ValueError, TypeError, NotImplementedError, tf.errors.OpError) as exc:
            raise UnsupportedOpError(f"{node.op}: Keras cannot build it: {exc}", node=node.name,
                                     hint="this attribute combination has no Keras form") from exc
    ctx.node = None
    outputs = _outputs(ctx, graph, channels_last_io, {id(t) for t in inputs})
    model = keras.Model(inputs if len(inputs) > 1 else inputs[0],
                        outputs if len(outputs) > 1 else outputs[0], name=sanitize(graph.name))
    tensors = {name: held for name, held in ctx.held.items() if name not in graph.params}
    _BUILDS[model] = KerasBuild(graph, channels_last_io, tensors, ctx.bindings, ctx.node_layers)
    return model


def _outputs(ctx: BuildContext, graph: Graph, channels_last_io: bool, taken: set[int]) -> list[Any]:
    """The model outputs in the edge layout; an Identity layer where a tensor would be used twice
    (an input that is also an output, or the same tensor under two output names)."""
    outputs = []
    for name in graph.outputs:
        tensor = ctx.get(name, channels_last_io and ctx.rank(name) == 4)
        if id(tensor) in taken:
            identity = keras.layers.Identity(name=ctx.unique(f"{name}_output"), **ctx.float_kwargs(name))
            tensor = ctx.call(identity, tensor)
        taken.add(id(tensor))
        outputs.append(tensor)
    return outputs


def keras_build(model: keras.Model) -> KerasBuild:
    """The build record of a model made by ``to_keras`` in this process."""
    build = _BUILDS.get(model)
    if build is None:
        raise OptionError(f"Keras model '{model.name}' was not built by frontc's to_keras in this "
                          "process", hint="rebuild it with frontc.backends.tf.to_keras(graph)")
    return build


def params_from_keras(graph: Graph, model: keras.Model) -> dict[str, np.ndarray]:
    """The model's current weights as IR params of ``graph`` (converted back to IR layouts).

    Layers are found by name, so ``model`` may also be a reloaded copy of a ``to_keras``
    model of this graph.
    """
    build = _BUILDS.get(model)
    if build is None:
        edges = [tuple(t.shape) for t in model.inputs]
        channels_last = any(len(s.shape) == 4 and e != s.shape for s, e in zip(graph.inputs, edges))
        build = keras_build(to_keras(graph, channels_last_io=channels_last))
    weights = {layer.name: layer.get_weights() for layer in model.layers}
    params: dict[str, np.ndarray] = {}
    for binding in build.bindings:
        if binding.param in params:
            continue
        missing = [name for name, _ in binding.sources if name not in weights]
        if missing:
            raise OptionError(f"the Keras model has no layer '{missing[0]}' (for param "
                              f"'{binding.param}')", hint="pass the model to_keras built from this graph")
        arrays = [weights[name][index] for name, index in binding.sources]
        dtype = graph.params[binding.param].dtype
        params[binding.param] = np.ascontiguousarray(binding.to_ir(arrays), dtype=dtype)
    return params
