"""Model level (slow): every catalog case compiled to both IRs, exported to ONNX and run in
onnxruntime gives the SOURCE framework's own output at max|diff| <= 1e-5 x max|ref|, same top-1."""
from __future__ import annotations

from functools import lru_cache

import pytest

import frontc
from frontc.catalog.case import Case
from frontc.catalog.registry import DETECTION_CASES, all_cases
from frontc.compiler import CompileResult, compile_graph
from tests.backends.model_helpers import compare

RTOL = 1e-5
CASES = {(framework, name): factory for framework, name, factory in all_cases()
         if (framework, name) not in DETECTION_CASES}


@lru_cache(maxsize=1)
def compiled(framework: str, name: str) -> tuple[Case, CompileResult]:
    case = CASES[framework, name]()
    graph = frontc.load(case.source, framework, input_shapes=case.input_shapes, **case.options)
    return case, compile_graph(graph)


@pytest.mark.slow
@pytest.mark.parametrize("framework, name", list(CASES), ids=[f"{f}-{n}" for f, n in CASES])
def test_onnxruntime_matches_the_source_framework(framework, name):
    from frontc.backends.onnx import run_onnxruntime

    case, result = compiled(framework, name)
    for ir in (result.reconstruct, result.cmodel):
        outputs = run_onnxruntime(ir, case.feeds)
        for tensor, reference in zip(ir.outputs, case.reference):
            d = compare(outputs[tensor], reference)
            print(f"\n{framework} {name} {ir.name} onnxruntime {tensor}: rel_max={d.rel_max:.3e} top1={d.top1}")
            assert d.within(RTOL), f"{ir.name} -> onnxruntime, output {tensor}: {d}"
