"""`compile`: a source model -> IR_for_reconstruct and IR_fused_for_CModel (graph JSON, PNG, params NPZ).

The six files appear in the output folder only when every step succeeded: they are
written to a temporary folder beside it first and moved in at the end.
"""
from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.frontends import load
from frontc.ir.errors import OptionError
from frontc.ir.graph import Graph
from frontc.ir.serialize import save_graph
from frontc.passes import PipelineReport, run_pipeline
from frontc.viz import render_graph

RECONSTRUCT = "IR_for_reconstruct"
CMODEL = "IR_fused_for_CModel"
OUTPUT_FILES = [f"{prefix}{suffix}" for prefix in (RECONSTRUCT, CMODEL)
                for suffix in ("_graph.json", "_graph.png", "_params.npz")]
REPORT = "compile_report.txt"


@dataclass
class CompileResult:
    """What ``compile_model`` made: both graphs, their pass reports, and timings."""

    source: Graph
    reconstruct: Graph
    cmodel: Graph
    reports: list[PipelineReport]
    seconds: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"model: {self.source.name} ({self.source.meta.get('framework', '?')} "
                 f"{self.source.meta.get('framework_version', '')})".rstrip(),
                 "inputs: " + ", ".join(f"{s.name} {list(s.shape)}" for s in self.source.inputs),
                 f"nodes: imported {len(self.source.nodes)}, {RECONSTRUCT} {len(self.reconstruct.nodes)}, "
                 f"{CMODEL} {len(self.cmodel.nodes)}",
                 "seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in self.seconds.items())]
        for name, graph in ((RECONSTRUCT, self.reconstruct), (CMODEL, self.cmodel)):
            ops = Counter(n.op + (f"+{n.attrs['activation']}" if n.attrs.get("activation") else "")
                          for n in graph.nodes)
            lines.append(f"{name} ops: " + ", ".join(f"{op} {c}" for op, c in sorted(ops.items())))
        lines += [report.table() for report in self.reports]
        return "\n".join(lines) + "\n"


def compile_graph(graph: Graph, *, debug: bool = False) -> CompileResult:
    """Run both pipelines on an imported graph."""
    seconds = {}
    start = time.perf_counter()
    reconstruct, first = run_pipeline(graph, "reconstruct", debug=debug)
    seconds["reconstruct"] = time.perf_counter() - start
    start = time.perf_counter()
    cmodel, second = run_pipeline(reconstruct, "cmodel", debug=debug)
    seconds["cmodel"] = time.perf_counter() - start
    reconstruct.name, cmodel.name = RECONSTRUCT, CMODEL
    return CompileResult(graph, reconstruct, cmodel, [first, second], seconds)


def check_free(out_dir: str | os.PathLike, overwrite: bool) -> None:
    """OptionError when ``out_dir`` already holds IR files and overwriting was not asked for."""
    taken = [name for name in OUTPUT_FILES + [REPORT] if (Path(out_dir) / name).exists()]
    if taken and not overwrite:
        raise OptionError(f"{out_dir} already holds {taken[0]}", hint="use --force to replace the IR files")


def write_ir(result: CompileResult, out_dir: str | os.PathLike, *, overwrite: bool = False,
             render: bool = True) -> list[Path]:
    """Write both IRs (graph JSON, params NPZ, PNG) and the report; all appear together or none."""
    out = Path(out_dir)
    check_free(out, overwrite)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".compile-") as tmp:
        start = time.perf_counter()
        for graph in (result.reconstruct, result.cmodel):
            save_graph(graph, Path(tmp) / graph.name)
            if render:
                render_graph(graph, Path(tmp) / f"{graph.name}_graph.png")
        result.seconds["write"] = time.perf_counter() - start
        (Path(tmp) / REPORT).write_text(result.summary())
        for path in sorted(Path(tmp).iterdir()):
            os.replace(path, out / path.name)
            result.files.append(out / path.name)
    return result.files


def compile_model(framework: str, model: Any, *, out_dir: str | os.PathLike = "moffett_ir",
                  input_shapes: dict[str, tuple[int, ...]] | None = None, epoch: int | None = None,
                  overwrite: bool = False, render: bool = True, debug: bool = False,
                  progress: bool = False, input_dtypes: dict[str, str] | None = None) -> CompileResult:
    """Import ``model`` with the ``framework`` frontend, compile it, and write the six IR files.
    ``input_dtypes`` declares integer inputs (``{"ids": "int64"}``)."""
    check_free(out_dir, overwrite)
    from tqdm import tqdm
    steps = tqdm(total=3, unit="step", disable=None if progress else True, delay=2, leave=False)  # None: terminals only
    options = {} if epoch is None else {"epoch": epoch}
    start = time.perf_counter()
    steps.set_description("importing", refresh=False)
    graph = load(model, framework, input_shapes=input_shapes, input_dtypes=input_dtypes, **options)
    import_seconds = time.perf_counter() - start
    steps.update()
    steps.set_description("compiling", refresh=False)
    result = compile_graph(graph, debug=debug)
    result.seconds = {"import": import_seconds, **result.seconds}
    steps.update()
    steps.set_description("writing", refresh=False)
    write_ir(result, out_dir, overwrite=overwrite, render=render)
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
