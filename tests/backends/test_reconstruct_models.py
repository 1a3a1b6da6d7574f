"""Model-level proof of the reconstructors: every catalog case (mxnet, torch, tf, onnx) imported,
compiled to both IRs, rebuilt in PyTorch and in Keras, and run on the case's seeded input gives
the SOURCE framework's own output at max|diff| <= 1e-5 x max|ref| with identical top-1; and the
trained EfficientNet-Lite0 rebuilt from both IRs classifies foolbox's 20 ImageNet images as the
original PyTorch model does."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

import frontc
from frontc.analysis.distance import distance
from frontc.catalog.case import Case
from frontc.catalog.registry import all_cases
from frontc.compiler import CompileResult, compile_graph
from tests.backends.model_helpers import TARGETS, compare, first_divergence, rebuild, run_rebuilt

RTOL = 1e-5
FRAMEWORKS = ["mxnet", "torch", "tf", "onnx"]
CASES = {(framework, name): factory for framework, name, factory in all_cases(FRAMEWORKS)}


def _params():
    for (framework, name), factory in CASES.items():
        for target in TARGETS:
            yield pytest.param(framework, name, target, marks=[pytest.mark.slow] if factory.slow else [],
                               id=f"{framework}-{name}-{target}")


@lru_cache(maxsize=1)
def compiled(framework: str, name: str) -> tuple[Case, CompileResult]:
    """The case and both compiled IRs (kept while the next target of the same case runs)."""
    case = CASES[framework, name]()
    graph = frontc.load(case.source, framework, input_shapes=case.input_shapes, **case.options)
    return case, compile_graph(graph)


@pytest.mark.parametrize("framework, name, target", list(_params()))
def test_reconstruction_matches_the_source_framework(framework, name, target):
    case, result = compiled(framework, name)
    for ir in (result.reconstruct, result.cmodel):
        model = rebuild(ir, target)
        outputs = run_rebuilt(model, target, case.feeds)
        assert list(outputs) == ir.outputs
        for tensor, reference in zip(ir.outputs, case.reference):
            d = compare(outputs[tensor], reference)
            print(f"\n{framework} {name} {ir.name} {target} {tensor}: rel_max={d.rel_max:.3e} top1={d.top1}")
            assert d.within(RTOL), (f"{ir.name} -> {target}, output {tensor}: {d}; first divergence from the "
                                    f"interpreter: {first_divergence(ir, model, target, case.feeds, RTOL)}")


@pytest.mark.slow
def test_trained_efficientnet_lite0_on_imagenet_samples():
    """Top-1 of the PyTorch and Keras reconstructions (both IRs) equals the original model's on
    each of the 20 images, and so does the accuracy against the labels."""
    import torch

    from frontc.data.imagenet_samples import imagenet_samples
    from frontc.models.torch import load_efficientnet_lite0

    model = load_efficientnet_lite0(pretrained=True)
    images, labels = imagenet_samples()  # (20, 3, 224, 224) in [-1, 1]
    with torch.no_grad():
        original = model(torch.from_numpy(images)).numpy()
    original_top1 = original.argmax(1)
    original_accuracy = float(np.mean(original_top1 == labels))
    print(f"\nEfficientNet-Lite0, 20 ImageNet samples: PyTorch original top-1 accuracy {original_accuracy:.2f}")
    result = compile_graph(frontc.load(model, "torch", input_shapes={"images": images.shape}))
    for ir in (result.reconstruct, result.cmodel):
        for target in TARGETS:
            logits = run_rebuilt(rebuild(ir, target), target, {ir.inputs[0].name: images})[ir.outputs[0]]
            top1 = logits.argmax(1)
            accuracy = float(np.mean(top1 == labels))
            d = distance(logits, original)
            print(f"  {ir.name} -> {target}: top-1 accuracy {accuracy:.2f}, same top-1 as the original on "
                  f"{int(np.sum(top1 == original_top1))}/20, rel_max={d.rel_max:.3e}")
            assert (top1 == original_top1).all(), f"{ir.name} -> {target}"
            assert accuracy == original_accuracy
            assert d.within(RTOL), f"{ir.name} -> {target}: {d}"
    assert original_accuracy >= 0.85  # 17 of 20 with these weights and this preprocessing
