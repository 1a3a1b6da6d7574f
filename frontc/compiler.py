"""`compile`: a source model -> one IR per flow (by default IR_for_reconstruct and
IR_fused_for_CModel: graph JSON, PNG, params NPZ).

The files and the report appear in the output folder only when every step succeeded: they are
staged by frontc.outputs and moved in together at the end.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.frontends import load
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.ir.serialize import graph_files
from frontc.outputs import Outputs
from frontc.passes import PipelineReport, run_pipeline
from frontc.passes.flows import chain
from frontc.viz.render import render_bytes

RECONSTRUCT = "IR_for_reconstruct"
CMODEL = "IR_fused_for_CModel"
REPORT = "compile_report.txt"


DEFAULT_FLOWS = ("reconstruct", "cmodel")


def output_files(flows: tuple[str, ...] = DEFAULT_FLOWS) -> list[str]:
    """The files ``compile`` writes for ``flows`` (and the flows they start after)."""
    return [f"{flow.ir_name or flow.name}{suffix}" for flow in chain(flows)
            for suffix in ("_graph.json", "_graph.png", "_params.npz")]


@dataclass
class CompileResult:
    """What ``compile_model`` made: one graph per flow (by IR name), the flows' reports, timings."""

    source: Graph
    graphs: dict[str, Graph]
    reports: list[PipelineReport]
    seconds: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def reconstruct(self) -> Graph:
        return self.graphs[RECONSTRUCT]

    @property
    def cmodel(self) -> Graph:
        return self.graphs[CMODEL]

    def summary(self) -> str:
        lines = [f"model: {self.source.name} ({self.source.meta.get('framework', '?')} "
                 f"{self.source.meta.get('framework_version', '')})".rstrip(),
                 "inputs: " + ", ".join(f"{s.name} {list(s.shape)}" for s in self.source.inputs),
                 f"nodes: imported {len(self.source.nodes)}, "
                 + ", ".join(f"{name} {len(g.nodes)}" for name, g in self.graphs.items()),
                 "seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in self.seconds.items())]
        for name, graph in self.graphs.items():
            ops = Counter(n.op + (f"+{n.attrs['activation']}" if n.attrs.get("activation") else "")
                          for n in graph.nodes)
            lines.append(f"{name} ops: " + ", ".join(f"{op} {c}" for op, c in sorted(ops.items())))
        lines += [report.table() for report in self.reports]
        return "\n".join(lines) + "\n"


def compile_graph(graph: Graph, *, debug: bool = False, flows: tuple[str, ...] = DEFAULT_FLOWS,
                  options: dict[str, dict[str, Any]] | None = None) -> CompileResult:
    """Run ``flows`` on an imported graph, each on the output of the flow it starts after.

    ``options`` maps a flow name to its options.
    """
    seconds: dict[str, float] = {}
    graphs: dict[str, Graph] = {}
    results: dict[str, Graph] = {}
    reports = []
    for flow in chain(flows):
        start = time.perf_counter()
        base = results[flow.after] if flow.after else graph
        out, report = run_pipeline(base, flow.name, debug=debug, options=(options or {}).get(flow.name))
        seconds[flow.name] = time.perf_counter() - start
        out.name = flow.ir_name or flow.name
        results[flow.name] = graphs[out.name] = out
        reports.append(report)
    return CompileResult(graph, graphs, reports, seconds)


def declare_ir(out: Outputs, out_dir: str | os.PathLike, flows: tuple[str, ...] = DEFAULT_FLOWS) -> None:
    """Declare the IR files of ``flows`` in ``out_dir`` in ``out`` (checked now; PNGs not rendered are
    removed at the end)."""
    for name in output_files(flows) + [REPORT]:
        out.file(Path(out_dir) / name)


def write_ir(result: CompileResult, out_dir: str | os.PathLike, *, overwrite: bool = False,
             render: bool = True, outputs: Outputs | None = None) -> list[Path]:
    """Write every IR (graph JSON, params NPZ, PNG) and the report; all appear together or none.

    With ``outputs``, the files are staged in that session and appear when it ends."""
    if outputs is None:
        with Outputs("compile", force=overwrite) as session:
            return write_ir(result, out_dir, render=render, outputs=session)
    start = time.perf_counter()
    for graph in result.graphs.values():
        for path, data in graph_files(graph, Path(out_dir) / graph.name).items():
            result.files.append(outputs.write(path, data))
        if render:
            result.files.append(outputs.write(Path(out_dir) / f"{graph.name}_graph.png", render_bytes(graph, "png")))
    result.seconds["write"] = time.perf_counter() - start
    result.files.append(outputs.write(Path(out_dir) / REPORT, result.summary()))
    return result.files


def compile_model(framework: str, model: Any, *, out_dir: str | os.PathLike = "moffett_ir",
                  input_shapes: dict[str, tuple[int, ...]] | None = None, epoch: int | None = None,
                  overwrite: bool = False, render: bool = True, debug: bool = False,
                  progress: bool = False, flows: tuple[str, ...] = DEFAULT_FLOWS,
                  flow_options: dict[str, dict[str, Any]] | None = None,
                  input_dtypes: dict[str, str] | None = None,
                  frontend_options: dict[str, Any] | None = None) -> CompileResult:
    """Import ``model`` with the ``framework`` frontend, run ``flows`` and write their IR files.
    ``input_dtypes`` declares integer inputs (``{"ids": "int64"}``); ``frontend_options`` go to the
    frontend (``{"constants": {...}}`` for ONNX)."""
    from tqdm import tqdm
    options = {**({} if epoch is None else {"epoch": epoch}), **(frontend_options or {})}
    with Outputs("compile", force=overwrite) as out:
        declare_ir(out, out_dir, flows)  # an unwritable or taken folder fails now, not after the work
        # disable=None: a bar on terminals only
        steps = tqdm(total=3, unit="step", disable=None if progress else True, delay=2, leave=False)
        start = time.perf_counter()
        steps.set_description("importing", refresh=False)
        graph = load(model, framework, input_shapes=input_shapes, input_dtypes=input_dtypes, **options)
        import_seconds = time.perf_counter() - start
        steps.update()
        steps.set_description("compiling", refresh=False)
        result = compile_graph(graph, debug=debug, flows=flows, options=flow_options)
        result.seconds = {"import": import_seconds, **result.seconds}
        steps.update()
        steps.set_description("writing", refresh=False)
        write_ir(result, out_dir, render=render, outputs=out)
        steps.update()
        steps.close()
    return result


def parse_input_shapes(items: list[str] | None) -> dict[str, tuple[int, ...]] | None:
    """``NAME=1,3,224,224`` (or a bare ``1,3,224,224`` for a single input named by the model)."""
    if not items:
        return None
    shapes: dict[str, tuple[int, ...]] = {}
    for item in items:
        name, sep, dims = item.rpartition("=")
        try:
            shape = tuple(int(d) for d in dims.replace("x", ",").split(",") if d.strip())
        except ValueError:
            shape = ()
        if not shape or any(d <= 0 for d in shape):
            raise OptionError(f"--input-shape {item}: expected NAME=1,3,224,224 with positive sizes")
        if not sep and len(items) > 1:
            raise OptionError(f"--input-shape {item}: name each input when giving several (NAME=dims)")
        if sep and not name:
            raise OptionError(f"--input-shape {item}: no input name before '='", hint="write NAME=dims, or dims alone")
        if (name if sep else "") in shapes:
            raise OptionError(f"--input-shape {item}: '{name}' is given twice")
        shapes[name if sep else ""] = shape
    return shapes



def parse_input_dtypes(items: list[str] | None) -> dict[str, str] | None:
    """``NAME=int64`` (or a bare ``int64`` for a single input), one per input."""
    from frontc.frontends import INPUT_DTYPES

    if not items:
        return None
    dtypes: dict[str, str] = {}
    for item in items:
        name, sep, dtype = item.rpartition("=")
        if dtype not in INPUT_DTYPES:
            raise OptionError(f"--input-dtype {item}: unknown dtype '{dtype}'",
                              hint=f"choose one of {', '.join(INPUT_DTYPES)}")
        if not sep and len(items) > 1:
            raise OptionError(f"--input-dtype {item}: name each input when giving several (NAME=int64)")
        dtypes[name if sep else ""] = dtype
    return dtypes
