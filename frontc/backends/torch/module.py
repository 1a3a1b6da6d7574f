"""``to_torch``: an IR graph rebuilt as a torch.nn.Module of native layers; ``run_torch`` runs it."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import reduce
from typing import Any

import numpy as np
import torch
from torch import nn

from frontc.backends.torch.layers.activation import inplace_variant
from frontc.backends.torch.params import ParamPlan, install_params, plan_params
from frontc.backends.torch.registry import TORCH_DTYPES, LayerContext, layer_spec
from frontc.interpreter import check_feeds
from frontc.ir.errors import OptionError, UnsupportedOpError
from frontc.ir.graph import Graph, Node, TensorSpec
from frontc.ir.infer import node_attrs
from frontc.ir.ops.elementwise import ACTIVATION_OPS
from frontc.ir.validate import lint

# Ops whose output is a fresh tensor that their backward does not need: an activation that is the
# last reader of such an output may overwrite it (views, and ops saving their output, are left out).
OWN_OUTPUT_OPS = ("Conv", "ConvTranspose", "Dense", "BatchNorm", "Add", "Sub", "Concat", "MaxPool", "AvgPool",
                  "GlobalAvgPool")


class IRModule(nn.Module):
    """An IR graph as a PyTorch module: one layer per IR node in ``layers`` (keyed as
    ``node_keys`` says), constants as buffers of ``constants``. ``forward`` takes the graph
    inputs in order and executes the nodes in graph order; it returns the graph output, or a
    tuple of them when there are several."""

    def __init__(self, graph: Graph) -> None:
        super().__init__()
        plan = plan_params(graph)
        self.graph_name = graph.name
        self.input_specs = [TensorSpec(s.name, s.shape, s.dtype, s.layout) for s in graph.inputs]
        self.output_names = list(graph.outputs)
        self.node_keys = dict(plan.node_keys)
        self.param_keys = {param: plan.key(param) for param in plan.keys}
        self.layers = nn.ModuleDict()
        self.constants = nn.Module()
        for node in graph.nodes:
            self.layers[plan.node_keys[node.name]] = _build(graph, node, plan)
        install_params(self, graph, plan)
        self._runtime_params = [(param, plan.key(param).split(".")) for param in plan.runtime]
        last_use = {t: i for i, node in enumerate(graph.nodes) for t in node.inputs if t}
        keep = set(graph.outputs)
        producers = {t: node for node in graph.nodes for t in node.outputs}
        self._steps = []
        self._inplace_layers: dict[str, nn.Module] = {}
        for i, node in enumerate(graph.nodes):
            key = plan.node_keys[node.name]
            args = [t for j, t in enumerate(node.inputs) if t and (node.name, j) not in plan.held]
            done = sorted({t for t in args if last_use.get(t) == i and t not in keep})
            if node.op in ACTIVATION_OPS and args and args[0] in done \
                    and getattr(producers.get(args[0]), "op", None) in OWN_OUTPUT_OPS:
                self._inplace_layers[key] = inplace_variant(self.layers[key])
            self._steps.append((key, args, list(node.outputs), done))

    @property
    def input_names(self) -> list[str]:
        return [spec.name for spec in self.input_specs]

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, ...]:
        values = self._execute(inputs, record=False)
        outputs = tuple(values[name] for name in self.output_names)
        return outputs[0] if len(outputs) == 1 else outputs

    def intermediates(self, *inputs: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every IR tensor computed on ``inputs``: the graph inputs, then each node output."""
        return self._execute(inputs, record=True)

    def observe(self, inputs: tuple[torch.Tensor, ...], observer: Callable[[str, torch.Tensor], None]
                ) -> tuple[torch.Tensor, ...]:
        """Run on ``inputs`` calling ``observer(name, value)`` on each graph input and node output as
        soon as it is computed (the value may be overwritten later: read it in the call); returns
        the graph outputs. Memory stays that of ``forward``."""
        values = self._execute(inputs, record=False, observer=observer)
        return tuple(values[name] for name in self.output_names)

    def _execute(self, inputs: tuple[torch.Tensor, ...], record: bool,
                 observer: Callable[[str, torch.Tensor], None] | None = None) -> dict[str, torch.Tensor]:
        if len(inputs) != len(self.input_specs):
            raise OptionError(f"module '{self.graph_name}' takes {len(self.input_specs)} inputs "
                              f"{self.input_names}, got {len(inputs)}")
        values = dict(zip(self.input_names, inputs))
        recorded = dict(values) if record else {}
        if observer is not None:
            for name, value in values.items():
                observer(name, value)
        for param, path in self._runtime_params:
            values[param] = reduce(getattr, path, self)
        for key, args, outputs, done in self._steps:
            layer = self.layers[key] if record else self._inplace_layers.get(key, self.layers[key])
            result = layer(*[values[t] for t in args])
            results = (result,) if len(outputs) == 1 else result
            for name, value in zip(outputs, results):
                values[name] = value
                if record:
                    recorded[name] = value
                if observer is not None:
                    observer(name, value)
            if not record:
                for tensor in done:
                    del values[tensor]
        return recorded if record else values


def _build(graph: Graph, node: Node, plan: ParamPlan) -> nn.Module:
    spec = layer_spec(node.op)
    held = {i: graph.params[t] for i, t in enumerate(node.inputs) if (node.name, i) in plan.held}
    inputs = [graph.spec(t) if t else None for t in node.inputs]
    ctx = LayerContext(node, node_attrs(node), inputs, [graph.tensors[t] for t in node.outputs], held)
    return spec.build(node, ctx)


def to_torch(graph: Graph) -> IRModule:
    """Rebuild ``graph`` as a torch module of native layers (in eval mode, float32 weights kept
    as in the IR). UnsupportedOpError lists every op without a layer, or names the node whose
    attributes no torch layer expresses."""
    lint(graph)
    missing: dict[str, list[str]] = {}
    for node in graph.nodes:
        if layer_spec(node.op) is None:
            missing.setdefault(node.op, []).append(node.name)
    if missing:
        listed = ", ".join(f"{op} x{len(names)} (first: '{names[0]}')" for op, names in sorted(missing.items()))
        raise UnsupportedOpError(f"to_torch has no layer for {len(missing)} op(s): {listed}",
                                 hint="add a factory in frontc/backends/torch/layers")
    for spec in graph.inputs:
        if spec.dtype not in TORCH_DTYPES:
            raise UnsupportedOpError(f"to_torch: input '{spec.name}' is {spec.dtype}, which has no torch "
                                     "dtype here", hint=f"feed one of {sorted(TORCH_DTYPES)}")
    return IRModule(graph).eval()


def _module_device(module: nn.Module) -> torch.device:
    tensor = next(iter(module.parameters()), None)
    if tensor is None:
        tensor = next(iter(module.buffers()), None)
    return tensor.device if tensor is not None else torch.device("cpu")


def run_torch(module: IRModule, feeds: Mapping[str, Any] | np.ndarray, trace: bool = False
              ) -> dict[str, np.ndarray]:
    """Run ``module`` (in eval mode, without gradients; its mode is restored) on ``feeds`` (a
    dict by IR input name, or one array). Returns the graph outputs by IR tensor name, or with
    ``trace`` every IR tensor (the inputs, then each node output) computed by the module."""
    arrays = check_feeds(Graph(module.graph_name, inputs=module.input_specs), feeds)
    device = _module_device(module)
    inputs = [torch.from_numpy(np.array(arrays[name], copy=True)).to(device) for name in module.input_names]
    training = module.training
    module.eval()
    try:
        with torch.no_grad():
            if trace:
                values = module.intermediates(*inputs)
            else:
                result = module(*inputs)
                result = result if isinstance(result, tuple) else (result,)
                values = dict(zip(module.output_names, result))
    finally:
        module.train(training)
    return {name: value.detach().cpu().numpy() for name, value in values.items()}
