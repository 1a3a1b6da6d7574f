"""Model level (slow): catalog cases compiled to both IRs, written as MXNet symbol + params and run
in mxnet give the SOURCE framework's own output at 1e-5 x max|ref|, same top-1."""
from __future__ import annotations

import pytest

import frontc
from frontc.catalog.registry import all_cases
from frontc.compiler import compile_graph
from tests.backends.model_helpers import compare

RTOL = 1e-5
# graphs with ops to_mxnet does not emit (Gelu; AvgPool with asymmetric pads not counted)
UNSUPPORTED = {("torch", "small_unet"), ("onnx", "light_inception_v1")}
CASES = {(f, n): factory for f, n, factory in all_cases() if (f, n) not in UNSUPPORTED}


@pytest.mark.slow
@pytest.mark.parametrize("framework, name", list(CASES), ids=[f"{f}-{n}" for f, n in CASES])
def test_mxnet_matches_the_source_framework(framework, name):
    from frontc.backends.mxnet import mxnet_block, run_mxnet

    case = CASES[framework, name]()
    result = compile_graph(frontc.load(case.source, framework, input_shapes=case.input_shapes, **case.options))
    for ir in (result.reconstruct, result.cmodel):
        outputs = run_mxnet(ir, case.feeds, block=mxnet_block(ir))
        for tensor, reference in zip(ir.outputs, case.reference):
            d = compare(outputs[tensor], reference)
            print(f"\n{framework} {name} {ir.name} mxnet {tensor}: rel_max={d.rel_max:.3e} top1={d.top1}")
            assert d.within(RTOL), f"{ir.name} -> mxnet, output {tensor}: {d}"
