"""Every catalog model the integer quantizer supports: its C model equals the numpy *_t path on every
layer and integer (small models in the default suite, the rest slow); the others are refused by name."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import frontc
from frontc.catalog.registry import DETECTION_CASES, SEQUENCE_CASES, all_cases
from frontc.cmodel.verify import mismatches
from frontc.interpreter import run
from frontc.ir.errors import FrontcError, UnsupportedOpError
from frontc.passes import run_pipeline
from tests.cmodel.helpers import built, quantized

QUICK = {"flatten_dense", "light_squeezenet"}
# the sequence cases (integer ids, several inputs, LSTM/Attention...) are not quantized by this path yet
CASES = [pytest.param(fw, name, factory, id=f"{fw}-{name}",
                      marks=() if name in QUICK else pytest.mark.slow) for fw, name, factory in all_cases()
         if (fw, name) not in SEQUENCE_CASES | DETECTION_CASES]


def fused(factory):
    case = factory()
    graph = frontc.load(case.source, case.framework, input_shapes=case.input_shapes, **case.options)
    return run_pipeline(run_pipeline(graph, "reconstruct")[0], "cmodel")[0]


def prove(graph, folder: Path, count: int = 2, opt: str = "O3") -> tuple[int, int] | str:
    """(layers, inputs) checked bit-exact, or why the model cannot be quantized to integers or built in C."""
    rng = np.random.default_rng(0)
    xs = [rng.uniform(-1, 1, graph.inputs[0].shape).astype(np.float32) for _ in range(count + 2)]
    try:
        q = quantized(graph, xs[:2])
    except FrontcError as exc:
        return str(exc)
    try:
        model = built(q, folder, opt=opt)
    except UnsupportedOpError as exc:  # quantized, but a layer has no C kernel (e.g. Mul of a constant)
        return str(exc)
    for x in xs[2:]:
        wrong = mismatches(run(q, x, trace=True), model.trace(x))
        assert not wrong, [str(m) for m in wrong[:5]]
    return len(q.nodes), count


@pytest.mark.parametrize("framework,name,factory", CASES)
def test_catalog_model_is_bit_exact(tmp_path, framework, name, factory) -> None:
    result = prove(fused(factory), tmp_path)
    print(framework, name, result)
    if isinstance(result, str):  # refused by the quantizer itself (an op without an integer kernel ...)
        assert "cannot execute in integers" in result or "no integer C kernel for" in result, result
    else:
        assert result[0] > 0
