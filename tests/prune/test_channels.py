"""Structured channel removal: params and MACs fall, and the shrunk graph computes what the original
computes with the removed channels' consumer weights zeroed (interpreter, 1e-5)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import frontc
from frontc.analysis.complexity import complexity
from frontc.ir.errors import OptionError
from frontc.models.torch import mobilenet_v2
from frontc.models.torch.fashion import fashion_cnn, fashion_resnet
from frontc.passes import run_pipeline
from frontc.prune.channels import remove_channels
from frontc.prune.masks import mask_for, parse_pattern


class ConcatNet(nn.Module):
    """Two branches concatenated, a depthwise conv over the concatenation, then a 1x1 conv and pooling."""

    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Conv2d(3, 8, 3, padding=1), nn.Conv2d(3, 4, 1)
        self.bn = nn.BatchNorm2d(12)
        self.dw = nn.Conv2d(12, 12, 3, padding=1, groups=12)
        self.pw = nn.Conv2d(12, 6, 1)
        self.fc = nn.Linear(6, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn(torch.cat([self.a(x), self.b(x)], dim=1)))
        y = torch.relu(self.pw(torch.relu(self.dw(y))))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


def _randomized(build) -> nn.Module:
    torch.manual_seed(0)
    model = build()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    return model.eval()


def _oracle(graph, report):
    """The original graph with every consumer's weights of the removed channels set to zero."""
    out = graph.copy()
    out.params = {k: v.copy() for k, v in graph.params.items()}
    for group in report.groups:
        for tensor, start in group.offsets.items():
            local = [c - start for c in group.removed if start <= c < start + graph.spec(tensor).shape[1]]
            for node in graph.consumers(tensor):
                if node.op in ("Conv", "Dense") and node.inputs[0] == tensor and \
                        not (node.op == "Conv" and node.attrs.get("group", 1) > 1):
                    out.params[node.inputs[1]][:, local] = 0
                elif node.op == "Flatten":
                    hw = int(np.prod(graph.spec(tensor).shape[2:]))
                    for dense in graph.consumers(node.outputs[0]):
                        for c in local:
                            out.params[dense.inputs[1]][:, c * hw:(c + 1) * hw] = 0
    return out


@pytest.mark.parametrize("build, shape", [(fashion_cnn, (2, 1, 28, 28)), (fashion_resnet, (2, 1, 28, 28)),
                                          (ConcatNet, (2, 3, 8, 8)),
                                          pytest.param(mobilenet_v2, (1, 3, 32, 32), marks=pytest.mark.slow)])
def test_removal_matches_the_zeroed_original(build, shape) -> None:
    model = _randomized(build)
    graph, _ = run_pipeline(frontc.load(model, "torch", input_shapes={"x": shape}), "reconstruct")
    pruned, report = remove_channels(graph, 0.5)
    removed = sum(len(g.removed) for g in report.groups)
    assert removed > 0 and report.params_after < report.params_before
    assert complexity(pruned).macs < 0.75 * complexity(graph).macs   # half the channels of most layers
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    (expected,) = frontc.run(_oracle(graph, report), {"x": x}).values()
    (out,) = frontc.run(pruned, {"x": x}).values()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    assert [g.width for g in report.groups if g.frozen] == [shape[1], pruned.spec(pruned.outputs[0]).shape[1]]


def test_concat_and_depthwise_stay_aligned() -> None:
    model = _randomized(ConcatNet)
    with torch.no_grad():
        model.b.weight.mul_(0.01)   # b's four channels are the weakest: b keeps its best one
    graph = frontc.load(model, "torch", input_shapes={"x": (1, 3, 8, 8)})
    pruned, report = remove_channels(run_pipeline(graph, "reconstruct")[0], 0.5)
    group = next(g for g in report.groups if g.width == 12)
    l1 = np.concatenate([model.a.weight.detach().abs().sum((1, 2, 3)).numpy(),
                         model.b.weight.detach().abs().sum((1, 2, 3)).numpy()])
    weakest_a = sorted(np.argsort(l1[:8])[:2].tolist())
    best_b = 8 + int(np.argmax(l1[8:]))
    assert group.removed == weakest_a + [c for c in range(8, 12) if c != best_b]
    dw = pruned.node("dw")
    assert dw.attrs["group"] == 7 and pruned.params[dw.inputs[1]].shape == (7, 1, 3, 3)
    a, b = pruned.params[pruned.node("a").inputs[1]], pruned.params[pruned.node("b").inputs[1]]
    assert (a.shape[0], b.shape[0]) == (6, 1) and pruned.params[pruned.node("pw").inputs[1]].shape == (3, 7, 1, 1)
    assert [pruned.params[p].shape for p in pruned.node("bn").inputs[1:]] == [(7,)] * 4


def test_zero_only_removes_the_channels_prune_zeroed() -> None:
    model = _randomized(fashion_resnet)
    with torch.no_grad():
        for name in ("layer1.conv1.weight", "layer3.conv1.weight"):
            param = dict(model.named_parameters())[name]
            param.mul_(torch.from_numpy(mask_for(param.numpy(), 0.25, parse_pattern("channel"))))
    graph, _ = run_pipeline(frontc.load(model, "torch", input_shapes={"x": (1, 1, 28, 28)}), "reconstruct")
    pruned, report = remove_channels(graph, zero_only=True)
    assert {g.producers[0].name: len(g.removed) for g in report.groups if g.removed} == {
        "layer1.conv1": 4, "layer3.conv1": 16}
    assert pruned.params["layer1.conv1.weight"].shape == (12, 16, 3, 3)
    with pytest.raises(OptionError, match="ratio=1.0"):
        remove_channels(graph, 1.0)
