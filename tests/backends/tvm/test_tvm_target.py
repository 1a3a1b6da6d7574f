"""IR -> TVM Relax, built for LLVM and run in the Relax VM on the CPU: every op family and a
residual CNN (both IRs, the default test) as the interpreter computes them (1e-5 x max|ref|); trained
EfficientNet-Lite0 (slow) gives PyTorch's top-1 on the 20 ImageNet samples."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.analysis.distance import distance
from frontc.backends.tvm import build_tvm, run_tvm, to_relax
from tests.backends.single_ops import CASES, all_ops_graph

RTOL = 1e-5


# the cases whose ONNX form differs most from the IR's (fused attributes, pads, ceil mode, composites)
TRICKY = ["conv_asym_pads_relu6", "conv_residual_relu", "conv_transpose", "dense_3d_leaky", "maxpool_ceil",
          "avgpool_pads", "swish", "slice", "pad_reflect", "reduce_sum"]


@pytest.mark.slow  # a Relax build of even ten ops takes ~20-40 s on 2 shared cores
@pytest.mark.parametrize("cases", [pytest.param(TRICKY, id="tricky"), pytest.param(list(CASES), id="all")])
def test_op_families_match_the_interpreter(cases):
    """Single-op cases side by side in one graph: one Relax build, each output checked."""
    graph, feeds = all_ops_graph(cases)
    expected = frontc.run(graph, feeds)
    actual = run_tvm(graph, feeds)
    assert len(expected) == len(cases)
    wrong = []
    for name, want in expected.items():
        d = distance(actual[name], want, classifier=False)
        if actual[name].shape != want.shape or d.max_abs > RTOL * d.max_ref:
            wrong.append(f"{name}: {d}")
    assert not wrong, "; ".join(wrong)


def test_both_irs_of_a_residual_cnn(graph, image):
    from frontc.compiler import compile_graph

    result = compile_graph(graph)
    assert "main" in str(to_relax(result.reconstruct).get_global_vars())
    for ir in (result.reconstruct, result.cmodel):
        feeds = {ir.input_names[0]: image}
        model = build_tvm(ir)
        out = ir.outputs[0]
        d = distance(model(feeds)[out], frontc.run(ir, feeds)[out])
        assert d.within(RTOL), f"{ir.name}: {d}"


@pytest.mark.slow
def test_trained_efficientnet_lite0_on_imagenet_samples():
    import torch

    from frontc.data.imagenet_samples import imagenet_samples
    from frontc.models.torch import load_efficientnet_lite0

    model = load_efficientnet_lite0(pretrained=True)
    images, _ = imagenet_samples()
    with torch.no_grad():
        original = model(torch.from_numpy(images)).numpy()
    from frontc.passes import run_pipeline

    graph, _ = run_pipeline(frontc.load(model, "torch", input_shapes={"x": (1, 3, 224, 224)}), "reconstruct")
    compiled, name = build_tvm(graph), graph.input_names[0]
    logits = np.concatenate([compiled({name: images[i:i + 1]})[graph.outputs[0]] for i in range(len(images))])
    assert (logits.argmax(1) == original.argmax(1)).all()
    assert distance(logits, original).within(RTOL)
