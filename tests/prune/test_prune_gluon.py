"""Prune in an MXNet Gluon loop (autograd.record, backward, prepare, trainer.step, prune) with momentum
and weight decay, and the sparsity surviving save_parameters / export_block -> frontc compile."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.analysis.complexity import complexity
from frontc.compat.mxnet_env import import_gluoncv, import_mxnet
from frontc.compiler import compile_model
from frontc.prune import Prune, generate_prune_dict

mx = import_mxnet()
from mxnet import autograd, gluon  # noqa: E402
from mxnet.gluon import nn  # noqa: E402


def _net():
    mx.random.seed(0)
    net = nn.HybridSequential()
    net.add(nn.Conv2D(8, 3, padding=1, in_channels=1, use_bias=False), nn.BatchNorm(in_channels=8),
            nn.Activation("relu"), nn.Conv2D(16, 3, padding=1, in_channels=8, use_bias=False),
            nn.BatchNorm(in_channels=16), nn.Activation("relu"), nn.MaxPool2D(2),
            nn.Conv2D(16, 3, padding=1, in_channels=16), nn.Activation("relu"),
            nn.Flatten(), nn.Dense(32, in_units=16 * 7 * 7), nn.Activation("relu"), nn.Dense(10, in_units=32))
    net.initialize(mx.init.Xavier())
    for _, param in net.collect_params(".*running_var").items():   # non-trivial BatchNorm statistics
        param.set_data(mx.nd.array(np.random.default_rng(1).uniform(0.5, 2, param.shape)))
    return net


@pytest.mark.parametrize("pattern, rate", [("unstructured", 0.9), ("2:4", 0.5)])
def test_gluon_loop_keeps_exact_zeros_and_export_keeps_nnz(pattern: str, rate: float, tmp_path) -> None:
    net = _net()
    prune_dict = generate_prune_dict(net, rate, {"ops": ("conv", "dense")})
    convs = [n for n in net.collect_params() if n.endswith("weight") and "conv" in n]
    assert convs[0] not in prune_dict and len(prune_dict) == 3   # first conv and classifier skipped
    prune = Prune(net, 2, 8, 2, prune_dict, pattern=pattern)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 5e-4})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    rng = np.random.default_rng(0)
    for step in range(14):
        x = mx.nd.array(rng.normal(size=(16, 1, 14, 14)).astype(np.float32))
        y = mx.nd.array(rng.integers(0, 10, 16))
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        prune.prepare()
        trainer.step(16)
        prune.prune()
        for name, mask in prune.masks().items():
            weight = net.collect_params()[name].data().asnumpy()
            assert (weight[mask == 0] == 0).all(), f"{name} drifted off zero at step {step}"
    masks = prune.masks()
    expected = 0
    for name, param in net.collect_params().items():
        if name.endswith("weight") and ("conv" in name or "dense" in name):
            expected += int(masks[name].sum()) if name in masks else param.data().size
    assert expected < sum(p.data().size for n, p in net.collect_params().items()
                          if n.endswith("weight") and ("conv" in n or "dense" in n))

    net.save_parameters(str(tmp_path / "sparse.params"))   # the checklist's save, then export_block
    reloaded = _net()
    reloaded.load_parameters(str(tmp_path / "sparse.params"))
    import_gluoncv().utils.export_block(str(tmp_path / "sparse"), reloaded, data_shape=(1, 14, 14),
                                        preprocess=False, layout="CHW")
    result = compile_model("mxnet", str(tmp_path / "sparse-symbol.json"), out_dir=tmp_path / "ir", epoch=0,
                           input_shapes={"data": (1, 1, 14, 14)}, render=False)
    for graph in (result.reconstruct, result.cmodel):   # the cmodel IR has BatchNorm folded into the convs
        assert complexity(graph).nnz == expected, graph.name
