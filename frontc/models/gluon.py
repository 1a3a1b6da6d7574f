"""MXNet Gluon networks written in the project (gluoncv supplies the CNNs)."""
from __future__ import annotations

from typing import Any


def lstm_tagger(seed: int = 0, features: int = 16, hidden: int = 24, classes: int = 5) -> Any:
    """A sequence tagger: gluon rnn.LSTM (2 layers, bidirectional, TNC) and a per-step Dense, seeded
    (Xavier weights, uniform biases so that both bias vectors matter), hybridized."""
    from frontc.compat.mxnet_env import import_mxnet

    mx = import_mxnet()

    class Tagger(mx.gluon.HybridBlock):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = mx.gluon.rnn.LSTM(hidden, num_layers=2, bidirectional=True, input_size=features)
            self.out = mx.gluon.nn.Dense(classes, flatten=False, in_units=2 * hidden)

        def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803  (Gluon's signature)
            return self.out(self.lstm(x))

    mx.random.seed(seed)
    net = Tagger()
    net.initialize(mx.init.Xavier())
    for name, param in net.collect_params().items():
        if name.endswith("bias"):
            param.set_data(mx.nd.random.uniform(-0.3, 0.3, param.shape))
    net.hybridize()
    return net
