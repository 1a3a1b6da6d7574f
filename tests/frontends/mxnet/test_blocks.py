"""Live Gluon HybridBlocks (exported by frontc through mxnet) against MXNet's own forward."""
from __future__ import annotations

import numpy as np
import pytest

import frontc
from frontc.catalog.case import seeded_input
from frontc.frontends.mxnet.gluon import randomize_batchnorm
from tests.frontends.mxnet.helpers import assert_close, mx, run_single

nn = mx.gluon.nn


class ConvMix(mx.gluon.HybridBlock):
    """Convolutions, both BatchNorm flavours, activations, pooling conventions, concat and split."""

    def __init__(self) -> None:
        super().__init__()
        with self.name_scope():
            self.conv1 = nn.Conv2D(8, 3, padding=1, in_channels=3)
            self.bn1 = nn.BatchNorm(scale=False, in_channels=8)  # fix_gamma=True
            self.conv2 = nn.Conv2D(8, 3, padding=2, dilation=2, groups=2, use_bias=False, in_channels=8)
            self.bn2 = nn.BatchNorm(epsilon=1e-3, in_channels=8)
            self.prelu = nn.PReLU(in_channels=8, alpha_initializer=mx.init.Uniform(0.5))
            self.deconv = nn.Conv2DTranspose(4, 4, strides=2, padding=1, in_channels=12)
            self.dense = nn.Dense(6, flatten=False, in_units=8)
            self.fc = nn.Dense(5, in_units=4 * 6 * 6)

    def hybrid_forward(self, F, x):  # noqa: ANN001, N803
        y = F.LeakyReLU(self.bn1(self.conv1(x)), act_type="leaky", slope=0.1)
        y = y + self.prelu(self.bn2(self.conv2(y)))
        a, b = F.split(y, num_outputs=2, axis=1)
        c = F.concat(F.Activation(a, act_type="softrelu"), F.LeakyReLU(b, act_type="elu", slope=0.7),
                     F.LeakyReLU(b, act_type="selu"), dim=1)
        c = F.Pooling(c, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max",
                      pooling_convention="full")
        c = F.Pooling(c, kernel=(2, 2), stride=(1, 1), pool_type="avg", pooling_convention="full")
        up = F.Activation(self.deconv(c), act_type="softsign")
        up = F.Pooling(up, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                       count_include_pad=False)
        z = F.tanh(self.dense(F.slice_axis(up, axis=3, begin=1, end=-1)))
        return F.softmax(self.fc(z), axis=-1)


class Arithmetic(mx.gluon.HybridBlock):
    """Scalar and broadcast arithmetic, reductions and shape ops on a (1, 4, 6, 8) input."""

    def hybrid_forward(self, F, x):  # noqa: ANN001, N803
        s = F.sigmoid(x) * 2.5 - 0.75
        r = 1.5 / (F.abs(x) + 1) + (3 - x) ** 2 / 7
        m = F.broadcast_mul(x, F.mean(x, axis=(2, 3), keepdims=True))
        h = F.hard_sigmoid(x, alpha=0.3, beta=0.4) + F.clip(x, -0.5, 0.25)
        t = F.add_n(s, r, m, h)
        t = F.reshape(t, shape=(0, -4, 2, -1, -3))  # (1, 2, 2, 48)
        t = F.transpose(t, axes=(0, 3, 1, 2))  # (1, 48, 2, 2)
        t = F.expand_dims(F.sum(t, axis=1), axis=1)  # (1, 1, 2, 2)
        t = F.squeeze(F.UpSampling(t, scale=2, sample_type="nearest"), axis=1)  # (1, 4, 4)
        t = F.broadcast_maximum(t, F.max(t, axis=2, keepdims=True) * 0.5)
        t = F.slice(t, begin=(None, 1, None), end=(None, None, 3))  # (1, 3, 3)
        t = F.Pad(F.reshape(t, shape=(1, 1, 3, 3)), mode="edge", pad_width=(0, 0, 0, 0, 1, 2, 2, 1))
        return F.log_softmax(F.Flatten(t), axis=-1)


def _randomized(block: mx.gluon.HybridBlock, shape: tuple[int, ...], seed: int = 0):
    mx.random.seed(seed)
    block.initialize(mx.init.Xavier())
    block(mx.nd.zeros(shape))
    randomize_batchnorm(block, seed)
    return block


@pytest.mark.parametrize("block_type, shape", [(ConvMix, (1, 3, 12, 20)),
                                               (Arithmetic, (1, 4, 6, 8))])
def test_hybrid_block_matches_mxnet(block_type, shape):
    block = _randomized(block_type(), shape)
    x = seeded_input(shape, seed=1)
    reference = block(mx.nd.array(x)).asnumpy()
    graph = frontc.load(block, "mxnet", input_shapes={"data": shape})
    assert graph.input_names == ["data"]
    assert_close(run_single(graph, x), reference)


def test_fix_gamma_ignores_the_stored_gamma():
    """A BatchNorm with scale=False keeps a gamma that mxnet ignores at inference."""
    block = nn.HybridSequential()
    block.add(nn.BatchNorm(scale=False, in_channels=3))
    _randomized(block, (1, 3, 5, 5), seed=3)
    gamma = block[0].gamma.data().asnumpy()
    assert not np.allclose(gamma, 1.0)
    x = seeded_input((1, 3, 5, 5), seed=2)
    graph = frontc.load(block, "mxnet", input_shapes={"data": (1, 3, 5, 5)})
    assert_close(run_single(graph, x), block(mx.nd.array(x)).asnumpy())


def test_block_needs_input_shapes():
    block = nn.HybridSequential()
    block.add(nn.Dense(2, in_units=3))
    block.initialize()
    with pytest.raises(frontc.FrontcError, match="input_shapes is needed"):
        frontc.load(block, "mxnet")
