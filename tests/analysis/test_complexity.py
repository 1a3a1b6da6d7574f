"""Complexity: sparse FLOPs against brute-force counts, dense FLOPs against torch's FlopCounterMode."""
import numpy as np
import pytest

from frontc.analysis.complexity import complexity, param_counts
from frontc.frontends.builder import GraphBuilder


def _masked(rng, shape, keep):
    w = rng.standard_normal(shape).astype(np.float32)
    return w * (rng.uniform(size=shape) < keep)


def _conv_graph(w, x_shape, **attrs):
    b = GraphBuilder("g", "test")
    x = b.input("x", x_shape)
    return b.finish([b.add1("Conv", [x, b.param("w", w)], attrs, name="conv")])


def counted_conv_macs(w, x_shape, pads, stride, group):
    """Independent count with torch: convolve an all-ones input, padded with ONES (a MAC on padding
    still counts), with the 0/1 indicator of nonzero weights; the output sum is the number of MACs
    whose weight is nonzero."""
    import torch
    import torch.nn.functional as F
    ones = F.pad(torch.ones(x_shape), (pads[1], pads[3], pads[0], pads[2]), value=1.0)
    indicator = torch.from_numpy((w != 0).astype(np.float32))
    return int(F.conv2d(ones, indicator, stride=stride, groups=group).sum().item())


@pytest.mark.parametrize("group, stride, pads", [(1, 1, [1, 1, 1, 1]), (2, 2, [0, 1, 2, 0]), (6, 1, [1] * 4)])
def test_sparse_conv_macs_match_brute_force(group, stride, pads):
    rng = np.random.default_rng(0)
    w = _masked(rng, (6, 6 // group, 3, 3), keep=0.3)
    g = _conv_graph(w, (2, 6, 9, 7), group=group, strides=[stride, stride], pads=pads)
    layer = complexity(g).layers[0]
    out = g.tensors["conv"].shape
    assert layer.sparse_macs == counted_conv_macs(w, (2, 6, 9, 7), pads, stride, group)
    assert layer.macs == 2 * out[2] * out[3] * 6 * (6 // group) * 9
    assert layer.nnz == np.count_nonzero(w) and layer.sparsity == pytest.approx(1 - np.count_nonzero(w) / w.size)
    assert layer.sparse_flops == 2 * layer.sparse_macs


def test_sparse_conv_transpose_and_dense():
    rng = np.random.default_rng(1)
    b = GraphBuilder("g", "test")
    x = b.input("x", (1, 4, 5, 5))
    wt = _masked(rng, (4, 3, 3, 3), 0.5)
    y = b.add1("ConvTranspose", [x, b.param("wt", wt)], {"strides": [2, 2]}, name="up")
    y = b.add1("Flatten", [y], name="flat")
    wd = _masked(rng, (10, b.shape(y)[1]), 0.2)
    g = b.finish([b.add1("Dense", [y, b.param("wd", wd)], name="fc")])
    up, _, fc = complexity(g).layers
    import torch
    indicator = torch.from_numpy((wt != 0).astype(np.float32))
    scattered = torch.nn.functional.conv_transpose2d(torch.ones(1, 4, 5, 5), indicator, stride=2)
    assert up.sparse_macs == int(scattered.sum().item())
    assert fc.sparse_macs == np.count_nonzero(wd)
    assert fc.macs == wd.size


def test_flops_per_mac_and_totals(graph):
    two, one = complexity(graph), complexity(graph, flops_per_mac=1)
    assert two.dense_flops - one.dense_flops == two.macs
    kernels = sum(int(np.count_nonzero(graph.params[n.inputs[1]])) for n in graph.nodes if n.op in ("Conv", "Dense"))
    assert two.line().startswith(f"nnz: {kernels}, sparsity: 0.0, dense_flops: ")
    assert complexity(graph, all_params=True).counted == param_counts(graph)["total"]


def test_dense_flops_match_torch_flop_counter():
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    rng = np.random.default_rng(2)
    tnet = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
        torch.nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False),
        torch.nn.Conv2d(8, 16, 1, bias=False), torch.nn.Flatten(), torch.nn.Linear(16 * 8 * 8, 10, bias=False))
    b = GraphBuilder("g", "test")
    y = b.input("x", (2, 3, 16, 16))
    convs = [(tnet[0], {"strides": [2, 2], "pads": [1] * 4}), (tnet[1], {"pads": [1] * 4, "group": 8}),
             (tnet[2], {})]
    for i, (layer, attrs) in enumerate(convs):
        y = b.add1("Conv", [y, b.param(f"w{i}", layer.weight.detach().numpy())], attrs, name=f"c{i}")
    y = b.add1("Flatten", [y], name="flat")
    g = b.finish([b.add1("Dense", [y, b.param("fc", tnet[4].weight.detach().numpy())], name="fc")])
    with FlopCounterMode(display=False) as counter:
        tnet(torch.from_numpy(rng.standard_normal((2, 3, 16, 16)).astype(np.float32)))
    ours = complexity(g)
    assert 2 * ours.macs == counter.get_total_flops()
    assert param_counts(g)["total"] == sum(p.numel() for p in tnet.parameters())


def test_attention_and_recurrent_rules():
    """Attention: batch x Lq x Lk x (d + dv) MACs and 5 FLOPs per score; LSTM: dirs x steps x batch x 4 x
    hidden x (input + hidden) MACs and 32 FLOPs per hidden unit and step."""
    import numpy as np

    from frontc.analysis.complexity import complexity
    from frontc.frontends.builder import GraphBuilder

    b = GraphBuilder("seq", "test")
    q, k, v = b.input("q", (2, 3, 5, 4)), b.input("k", (2, 3, 6, 4)), b.input("v", (2, 3, 6, 7))
    att = b.add1("Attention", [q, k, v], name="attention")
    x = b.input("x", (9, 2, 8))
    w, r = b.param("w", np.ones((2, 4 * 16, 8), np.float32)), b.param("r", np.ones((2, 4 * 16, 16), np.float32))
    lstm = b.add("LSTM", [x, w, r], {"hidden_size": 16, "direction": "bidirectional"}, name="lstm", outputs=3)
    layers = {layer.name: layer for layer in complexity(b.finish([att, lstm[0]]), flops_per_mac=1).layers}
    assert layers["attention"].macs == 2 * 3 * 5 * 6 * (4 + 7)
    assert layers["attention"].element_flops == 5 * 2 * 3 * 5 * 6
    assert layers["lstm"].macs == 2 * 9 * 2 * 4 * 16 * (8 + 16)
    assert layers["lstm"].element_flops == 9 * 2 * 2 * 16 * 32


@pytest.mark.parametrize("topk, k", [(-1, 50), (20, 20), (400, 50)])
def test_box_nms_rule(topk, k):
    """BoxNMS: per batch 12 FLOPs per pair of the k = min(topk, boxes) candidates plus one per box."""
    b = GraphBuilder("nms", "test")
    x = b.input("x", (2, 3, 50, 6))
    layer = complexity(b.finish([b.add1("BoxNMS", [x], {"topk": topk}, name="nms")])).layers[0]
    assert layer.macs == 0
    assert layer.element_flops == 2 * 3 * (12 * k * (k - 1) // 2 + 50)
