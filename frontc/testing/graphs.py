"""Small IR graphs built in code with seeded weights, for tests of the IR, passes and CLI."""
from __future__ import annotations

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.ir.graph import Graph


def _conv(b: GraphBuilder, rng: np.random.Generator, x: str, cin: int, cout: int, name: str,
          k: int = 3, stride: int = 1, group: int = 1) -> str:
    w = rng.standard_normal((cout, cin // group, k, k)).astype(np.float32) / np.sqrt(cin // group * k * k)
    pads = [k // 2] * 4
    return b.add1("Conv", [x, b.param(f"{name}.weight", w)],
                  {"strides": [stride, stride], "pads": pads, "group": group}, name=name)


def _bn(b: GraphBuilder, rng: np.random.Generator, x: str, c: int, name: str) -> str:
    params = [b.param(f"{name}.{p}", v) for p, v in (
        ("scale", rng.uniform(0.5, 1.5, c)), ("bias", rng.normal(0, 0.1, c)),
        ("mean", rng.normal(0, 0.1, c)), ("var", rng.uniform(0.5, 1.5, c)))]
    return b.add1("BatchNorm", [x, *params], {"epsilon": 1e-5}, name=name)


def tiny_resnet(seed: int = 0, size: int = 32, classes: int = 10) -> Graph:
    """Conv-BN-ReLU stem, one residual block, a depthwise block, pooling and a classifier."""
    rng = np.random.default_rng(seed)
    b = GraphBuilder("tiny_resnet", "frontc")
    x = b.input("data", (1, 3, size, size), layout="NCHW")
    y = b.add1("Relu", [_bn(b, rng, _conv(b, rng, x, 3, 16, "stem.conv", stride=2), 16, "stem.bn")],
               name="stem.relu")
    y = b.add1("MaxPool", [y], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]},
               name="stem.pool")
    r = b.add1("Relu", [_bn(b, rng, _conv(b, rng, y, 16, 16, "block.conv1"), 16, "block.bn1")],
               name="block.relu1")
    r = _bn(b, rng, _conv(b, rng, r, 16, 16, "block.conv2"), 16, "block.bn2")
    y = b.add1("Relu", [b.add1("Add", [r, y], name="block.add")], name="block.relu2")
    d = _conv(b, rng, y, 16, 16, "dw.conv", group=16)
    d = b.add1("Relu6", [_bn(b, rng, d, 16, "dw.bn")], name="dw.relu6")
    p = b.add1("Flatten", [b.add1("GlobalAvgPool", [d], name="pool")], name="flatten")
    w = rng.standard_normal((classes, 16)).astype(np.float32) / 4
    logits = b.add1("Dense", [p, b.param("fc.weight", w), b.param("fc.bias", rng.normal(0, 0.1, classes))],
                    name="fc")
    return b.finish([b.add1("Softmax", [logits], {"axis": 1}, name="prob")])
