"""PyTorch as a source runner.

An ``nn.Module`` runs eagerly with a forward hook on every submodule; the output of module
``path`` is the output of the last IR node traced to ``path`` or to a module inside it (the
frontend names IR nodes after module paths). Single-tensor outputs only; a module called
several times is compared at its last call.

TorchScript (files or ScriptModules) and ExportedPrograms have no Python modules to hook: they
are exported the way the frontend exports them and torch executes the program node by node;
the last fx node of each source name pairs with the last IR node of that name.
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from frontc.ir.graph import Graph
from frontc.sources import source_outputs


def trace(source: Any, graph: Graph, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """PyTorch's value of every module (or program node) output that has an IR tensor in ``graph``."""
    import torch

    inputs = tuple(torch.from_numpy(feeds[spec.name]) for spec in graph.inputs)
    if isinstance(source, torch.nn.Module) and not isinstance(source, torch.jit.ScriptModule):
        return module_trace(source, graph, inputs)
    return program_trace(source, graph, inputs)


def _numpy(value: Any) -> np.ndarray:
    return value.detach().cpu().numpy().copy()  # a copy: in-place ops later may overwrite it


def module_trace(model: Any, graph: Graph, inputs: tuple[Any, ...]) -> dict[str, np.ndarray]:
    """Forward hooks on the submodules of an eager ``model`` (put in eval mode)."""
    import torch

    outputs = source_outputs(graph, nested=True)
    captured: dict[str, np.ndarray] = {}

    def hook(path: str) -> Any:
        def record(module: Any, args: Any, output: Any) -> None:
            if isinstance(output, torch.Tensor):
                captured[path] = _numpy(output)
        return record

    handles = [module.register_forward_hook(hook(path)) for path, module in model.named_modules()
               if path in outputs]
    try:
        with torch.no_grad():
            model.eval()(*inputs)
    finally:
        for handle in handles:
            handle.remove()
    return {outputs[path][0]: value for path, value in captured.items()}


def program_trace(source: Any, graph: Graph, inputs: tuple[Any, ...]) -> dict[str, np.ndarray]:
    """A TorchScript or ExportedProgram source, exported as the frontend does and run by torch's
    fx interpreter; fx nodes carry the frontend's source names."""
    import torch

    from frontc.frontends.torch.convert import constant_entries, node_names
    from frontc.frontends.torch.sources import resolve
    from frontc.frontends.torch.tracing import export_program

    model, where = resolve(source)
    program = export_program(model, inputs, where)
    consts = constant_entries(program)
    names = node_names(program, consts)
    folded = {node for node in program.graph.nodes if node.op == "placeholder" and node.name in consts}
    last: dict[str, Any] = {}
    for node in program.graph.nodes:
        if node.op != "call_function":
            continue
        if all(arg in folded for arg in node.all_input_nodes):
            folded.add(node)  # the frontend folds it into a constant: no IR node
        elif node.target is not operator.getitem:  # getitem picks an output, emits nothing
            last[names[node][1]] = node
    outputs = source_outputs(graph)
    wanted = {node: outputs[source] for source, node in last.items() if source in outputs}
    captured: dict[str, np.ndarray] = {}

    class Recorder(torch.fx.Interpreter):
        def run_node(self, node: Any) -> Any:
            result = super().run_node(node)
            if node in wanted:
                values = result if isinstance(result, (list, tuple)) else [result]
                for tensor, value in zip(wanted[node], values):
                    if isinstance(value, torch.Tensor):
                        captured[tensor] = _numpy(value)
            return result

    user = iter(inputs)
    args = [next(user) if spec.arg.name not in consts else consts[spec.arg.name][1]
            for spec in program.graph_signature.input_specs]
    with torch.no_grad():
        Recorder(program.graph_module).run(*args)
    return captured
