"""The built-in passes and flows (``reconstruct``, ``cmodel``), run to a fixed point with a per-pass report."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from frontc.ir.errors import GraphError
from frontc.ir.graph import Graph
from frontc.ir.infer import infer_shapes
from frontc.ir.validate import lint
from frontc.passes.base import Pass
from frontc.passes.batchnorm import BatchNormToScaleShift, FoldBatchNorm
from frontc.passes.canonical import CanonicalActivations, DenseBiasAdd, GemmToDense, ReshapeToFlatten
from frontc.passes.cleanup import EliminateDeadCode, FoldConstants, RemoveIdentity
from frontc.passes.flows import build_passes, get_flow, register_flow, register_pass
from frontc.passes.fusion import FuseActivation, FusePad, FuseResidual
from frontc.passes.layout import CancelTransposes, MergeReshapes
from frontc.passes.scale_shift import FoldInputScale, FoldOutputScaleShift
from frontc.passes.transformer import FuseAttention, FuseGelu, FuseGeluTanh, FuseLayerNorm

MAX_ROUNDS = 20


RECONSTRUCT_PASSES = (RemoveIdentity, FoldConstants, GemmToDense, DenseBiasAdd, ReshapeToFlatten,
                      CanonicalActivations, FuseLayerNorm, FuseGelu, FuseGeluTanh, EliminateDeadCode)
CMODEL_PASSES = (FoldBatchNorm, BatchNormToScaleShift, FoldOutputScaleShift, FoldInputScale, FusePad,
                 FuseResidual, FuseActivation, FuseAttention, CancelTransposes, MergeReshapes)
for _cls in dict.fromkeys((*RECONSTRUCT_PASSES, *CMODEL_PASSES)):
    register_pass(_cls.name, _cls)

_reconstruct = [cls.name for cls in RECONSTRUCT_PASSES]
register_flow("reconstruct", _reconstruct, ir_name="IR_for_reconstruct",
              doc="Canonicalization only: every trainable parameter and BatchNorm stays.")
register_flow("cmodel", [*_reconstruct, *(cls.name for cls in CMODEL_PASSES), RemoveIdentity.name,
                         EliminateDeadCode.name], after="reconstruct", ir_name="IR_fused_for_CModel",
              doc="``reconstruct`` plus every fusion a chip's C model takes.")


@dataclass
class PassRun:
    """One pass applied once: how many rewrites, nodes before and after, seconds."""

    name: str
    round: int
    changes: int
    nodes_before: int
    nodes_after: int
    seconds: float


@dataclass
class PipelineReport:
    pipeline: str
    runs: list[PassRun] = field(default_factory=list)

    @property
    def rounds(self) -> int:
        return max((r.round for r in self.runs), default=0)

    def totals(self) -> dict[str, int]:
        """Rewrites per pass over all rounds."""
        out: dict[str, int] = {}
        for r in self.runs:
            out[r.name] = out.get(r.name, 0) + r.changes
        return out

    def table(self) -> str:
        lines = [f"pipeline {self.pipeline}: {self.rounds} round(s)",
                 f"  {'pass':28} {'changes':>7} {'nodes':>13} {'ms':>8}"]
        for name, changes in self.totals().items():
            runs = [r for r in self.runs if r.name == name]
            seconds = sum(r.seconds for r in runs)
            nodes = f"{runs[0].nodes_before}->{runs[-1].nodes_after}"
            lines.append(f"  {name:28} {changes:7d} {nodes:>13} {seconds * 1e3:8.1f}")
        return "\n".join(lines)


def run_pipeline(graph: Graph, name: str, *, debug: bool = False,
                 options: dict[str, Any] | None = None) -> tuple[Graph, PipelineReport]:
    """Apply flow ``name`` (with its ``options``) to a copy of ``graph`` until no pass changes anything.

    With ``debug`` the graph is linted after every pass, naming the pass that broke it.
    """
    passes = build_passes(get_flow(name), options)
    graph = graph.copy()
    lint(graph)
    report = PipelineReport(name)
    for round_ in range(1, MAX_ROUNDS + 1):
        changed = 0
        for p in passes:
            before, start = len(graph.nodes), time.perf_counter()
            count = p.run(graph)
            report.runs.append(PassRun(p.name, round_, count, before, len(graph.nodes),
                                       time.perf_counter() - start))
            changed += count
            if debug or count:
                _check(graph, p, debug)
        if not changed:
            break
    else:
        raise GraphError(f"pipeline {name} did not settle after {MAX_ROUNDS} rounds",
                         hint="a pass keeps undoing another; run with --debug and report it")
    infer_shapes(graph)
    return graph, report


def _check(graph: Graph, p: Pass, debug: bool) -> None:
    if not debug:
        infer_shapes(graph)
        return
    try:
        lint(graph)
    except GraphError as exc:
        raise GraphError(f"after pass {p.name}: {exc.message}", node=exc.node, hint=exc.hint) from None
