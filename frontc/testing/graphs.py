"""Small IR graphs built in code with seeded weights, for tests of the IR, passes and CLI."""
from __future__ import annotations

import numpy as np

from frontc.frontends.builder import GraphBuilder
from frontc.ir.graph import Graph
from frontc.ir.infer import infer_shapes


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


def quant_ops_net(seed: int = 0, size: int = 16) -> Graph:
    """Every op family the integer path executes: Conv with fused Swish/LeakyRelu/Relu6 and a residual,
    depthwise and transposed convs, Add, Mul, Concat, pools, Resize (nearest, linear), table
    activations (Sigmoid, HardSigmoid, HardSwish, Tanh, Elu), Clip, Dense and Softmax."""
    rng = np.random.default_rng(seed)
    b = GraphBuilder("quant_ops_net", "frontc")
    x = b.input("data", (2, 3, size, size), layout="NCHW")
    a = _conv(b, rng, x, 3, 8, "c1")
    b.graph.node("c1").attrs.update(activation="Swish", activation_params=[1.0])
    c = _conv(b, rng, a, 8, 8, "c2")
    b.graph.node("c2").attrs.update(activation="LeakyRelu", activation_params=[0.1])
    d = _conv(b, rng, c, 8, 8, "dw", group=8)
    b.graph.node("dw").inputs.append(b.param("dw.bias", rng.normal(0, 0.1, 8)))
    e = _conv(b, rng, d, 8, 8, "c3")
    node = b.graph.node("c3")
    node.inputs += [b.param("c3.bias", rng.normal(0, 0.1, 8)), a]
    node.attrs.update(activation="Relu6")
    s = b.add1("Add", [e, c], name="add")
    m = b.add1("Mul", [s, b.add1("Sigmoid", [s], name="sig")], name="mul")
    h = b.add1("HardSwish", [m], name="hswish")
    t = b.add1("Tanh", [h], name="tanh")
    g = b.add1("HardSigmoid", [h], name="hsig")
    el = b.add1("Elu", [h], name="elu")
    cat = b.add1("Concat", [t, g, el], {"axis": 1}, name="cat")
    cat = b.add1("Clip", [cat], {"min": -0.5, "max": 0.8}, name="clip")
    p = b.add1("AvgPool", [cat], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}, name="avg")
    up = b.add1("Resize", [p], {"mode": "linear", "scales": [1, 1, 2, 2]}, name="up")
    wt = rng.standard_normal((24, 4, 2, 2)).astype(np.float32) / 8
    ct = b.add1("ConvTranspose", [up, b.param("ct.weight", wt), b.param("ct.bias", rng.normal(0, 0.1, 4))],
                {"strides": [2, 2]}, name="ct")
    near = b.add1("Resize", [b.add1("MaxPool", [ct], {"kernel_shape": [2, 2], "strides": [2, 2]}, name="mp")],
                  {"mode": "nearest", "scales": [1, 1, 0.5, 0.5]}, name="down")
    flat = b.add1("Flatten", [b.add1("GlobalAvgPool", [near], name="gap")], name="flat")
    w = rng.standard_normal((5, 4)).astype(np.float32)
    fc = b.add1("Dense", [flat, b.param("fc.weight", w), b.param("fc.bias", rng.normal(0, 0.1, 5))], name="fc")
    return b.finish([b.add1("Softmax", [fc], {"axis": 1}, name="prob")])


def cmodel_ops_net(seed: int = 0) -> Graph:
    """Every layer kind of the integer C model: Conv with asymmetric pads, stride, dilation, groups,
    depthwise, residual and fused Swish/LeakyRelu/Relu6/Sigmoid/Relu; Add, Mul, Concat; Max/Avg
    (ceil mode, with and without counted pads) and global pools; nearest Resize, Slice, Transpose;
    Relu/Clip/HardSwish/HardSigmoid; Dense and Softmax; batch 2 and odd sizes."""
    rng = np.random.default_rng(seed)
    b = GraphBuilder("cmodel_ops_net", "frontc")
    x = b.input("data", (2, 3, 17, 15), layout="NCHW")

    def conv(x: str, cin: int, cout: int, name: str, act: str = "", params: tuple = (), **attrs) -> str:
        k = attrs.pop("k", 3)
        y = _conv(b, rng, x, cin, cout, name, k=k, group=attrs.pop("group", 1))
        node = b.graph.node(name)
        node.attrs.update(attrs, activation=act, activation_params=list(params))
        node.inputs.append(b.param(f"{name}.bias", rng.normal(0, 0.1, cout)))
        return y

    a = conv(x, 3, 8, "c1", "Swish", (1.0,), strides=[2, 2], pads=[0, 1, 1, 2])
    c = conv(a, 8, 8, "c2", "LeakyRelu", (0.1,), pads=[2, 2, 2, 2], dilations=[2, 2])
    d = conv(c, 8, 8, "dw", "Relu6", group=8)
    g = conv(d, 8, 12, "grouped", "Sigmoid", group=4)
    r = conv(g, 12, 8, "c3", "Relu", k=1, pads=[0, 0, 0, 0])
    b.graph.node("c3").inputs.append(c)
    s = b.add1("Add", [r, d], name="add")
    m = b.add1("Mul", [s, b.add1("Sigmoid", [s], name="sig")], name="mul")
    h = b.add1("HardSwish", [m], name="hswish")
    hs = b.add1("HardSigmoid", [b.add1("Relu", [m], name="relu")], name="hsig")
    cat = b.add1("Clip", [b.add1("Concat", [h, hs], {"axis": 1}, name="cat")], {"min": -0.5, "max": 0.8},
                 name="clip")
    mp = b.add1("MaxPool", [cat], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1],
                                   "ceil_mode": 1}, name="maxpool")
    ap = b.add1("AvgPool", [cat], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 2, 1, 0],
                                   "ceil_mode": 1}, name="avgpool")
    ap2 = b.add1("AvgPool", [cat], {"kernel_shape": [2, 3], "strides": [2, 2], "pads": [1, 1, 0, 1],
                                    "count_include_pad": 1, "ceil_mode": 1}, name="avgpool_pads")
    both = b.add1("Add", [b.add1("Add", [mp, ap], name="pools"), ap2], name="pools2")
    up = b.add1("Resize", [both], {"mode": "nearest", "scales": [1, 1, 2, 2]}, name="up")
    sl = b.add1("Slice", [up], {"starts": [1, 0], "ends": [12, 7], "axes": [1, 2]}, name="slice")
    tr = b.add1("Transpose", [sl], {"perm": [0, 1, 3, 2]}, name="transpose")
    gap = b.add1("GlobalAvgPool", [tr], name="gap")
    gmp = b.add1("GlobalMaxPool", [tr], name="gmp")
    flat = b.add1("Flatten", [b.add1("Concat", [gap, gmp], {"axis": 1}, name="gcat")], name="flat")
    w = rng.standard_normal((6, 22)).astype(np.float32) / 4
    fc = b.add1("Dense", [flat, b.param("fc.weight", w), b.param("fc.bias", rng.normal(0, 0.1, 6))], name="fc")
    out = b.add1("Softmax", [fc], {"axis": 1}, name="prob")
    infer_shapes(b.graph)  # the convolutions' attributes were set after they were added
    return b.finish([out])


def cmodel_transpose_net(seed: int = 0) -> Graph:
    """ConvTranspose (stride, asymmetric pads, output_padding, dilation, groups, depthwise, fused
    Relu/Sigmoid/LeakyRelu), broadcasting Mul/Add (per-channel and scalar operands, either side) and a
    strided, dilated depthwise Conv with a channel multiplier."""
    rng = np.random.default_rng(seed)
    b = GraphBuilder("cmodel_transpose_net", "frontc")
    x = b.input("data", (2, 4, 7, 6), layout="NCHW")

    def deconv(x: str, cin: int, cout: int, name: str, kernel: tuple[int, int], group: int = 1,
               act: str = "", params: tuple = (), **attrs) -> str:
        w = rng.standard_normal((cin, cout // group, *kernel)).astype(np.float32) / np.sqrt(cin * 2)
        ins = [x, b.param(f"{name}.weight", w), b.param(f"{name}.bias", rng.normal(0, 0.1, cout))]
        return b.add1("ConvTranspose", ins, {"group": group, "activation": act, "activation_params": list(params),
                                             **attrs}, name=name)

    t1 = deconv(x, 4, 6, "ct1", (3, 3), act="Relu", strides=[2, 2], pads=[1, 0, 0, 1], output_padding=[1, 0])
    t2 = deconv(t1, 6, 4, "ct2", (2, 3), group=2, strides=[2, 1], dilations=[1, 2], pads=[0, 1, 1, 0],
                output_padding=[1, 1])
    t3 = deconv(t2, 4, 4, "ct3", (3, 3), group=4, act="Sigmoid", pads=[1, 1, 1, 1])
    gate = b.add1("GlobalAvgPool", [t3], name="gap")
    se = b.add1("Mul", [t2, gate], name="se")
    w = rng.standard_normal((1, 4, 1, 1)).astype(np.float32) / 2
    one = b.add1("Conv", [gate, b.param("squeeze.weight", w)], name="squeeze")
    s = b.add1("Add", [one, se], name="add_scalar")
    s = b.add1("Mul", [gate, s], name="mul_channel")
    w = rng.standard_normal((8, 1, 3, 5)).astype(np.float32) / 3
    d = b.add1("Conv", [s, b.param("dw.weight", w), b.param("dw.bias", rng.normal(0, 0.1, 8))],
               {"group": 4, "strides": [2, 3], "pads": [1, 2, 0, 1], "dilations": [1, 2], "activation": "Relu6"},
               name="dw")
    y = deconv(d, 8, 3, "ct4", (1, 1), act="LeakyRelu", params=(0.2,), strides=[3, 2], output_padding=[2, 0])
    return b.finish([y])


def cmodel_1d_net(seed: int = 0) -> Graph:
    """1-d layers of the C model: Conv (stride, pads, dilation, depthwise, strided depthwise),
    ConvTranspose, Max/Avg (ceil mode, counted pads) and global pools, a broadcasting Add of a global pool."""
    rng = np.random.default_rng(seed)
    b = GraphBuilder("cmodel_1d_net", "frontc")
    x = b.input("data", (2, 3, 23), layout="NCW")

    def conv(x: str, cin: int, cout: int, name: str, k: int, group: int = 1, op: str = "Conv", **attrs) -> str:
        shape = (cout, cin // group, k) if op == "Conv" else (cin, cout // group, k)
        w = rng.standard_normal(shape).astype(np.float32) / np.sqrt(cin * k / group)
        ins = [x, b.param(f"{name}.weight", w), b.param(f"{name}.bias", rng.normal(0, 0.1, cout))]
        return b.add1(op, ins, {"group": group, **attrs}, name=name)

    c = conv(x, 3, 8, "c1", 5, strides=[2], pads=[2, 1], activation="Relu")
    c = conv(c, 8, 8, "dw", 3, group=8, dilations=[2], pads=[2, 2])
    c = conv(c, 8, 8, "dw2", 3, group=8, strides=[2], pads=[2, 3])
    mp = b.add1("MaxPool", [c], {"kernel_shape": [3], "strides": [2], "pads": [1, 0], "ceil_mode": 1}, name="mp")
    ap = b.add1("AvgPool", [c], {"kernel_shape": [2], "strides": [2], "pads": [1, 0], "count_include_pad": 1,
                                 "ceil_mode": 1}, name="ap")
    s = b.add1("Add", [mp, ap], name="add")
    s = b.add1("Add", [s, b.add1("GlobalMaxPool", [s], name="gmp")], name="add_global")
    t = conv(s, 8, 4, "ct", 4, op="ConvTranspose", strides=[3], pads=[1, 2], output_padding=[2])
    return b.finish([b.add1("GlobalAvgPool", [t], name="gap")])


def const_ops_net(seed: int = 0, size: int = 8) -> Graph:
    """Add/Sub/Mul/Div with constant operands (scalars and per-channel vectors broadcast as (1,C,1,1),
    (C,1,1) and (C,), on either side) and between computed tensors, as frontends leave them."""
    rng = np.random.default_rng(seed)
    b = GraphBuilder("const_ops_net", "frontc")

    def vec(name: str, shape: tuple[int, ...], low: float = -1.0, high: float = 1.0) -> str:
        return b.param(name, rng.uniform(low, high, shape).astype(np.float32))

    x = b.input("data", (2, 3, size, size), layout="NCHW")
    x = b.add1("Sub", [x, vec("mean", (1, 3, 1, 1))], name="center")
    x = b.add1("Div", [x, vec("std", (1, 3, 1, 1), 0.5, 2.0)], name="normalize")
    a = _conv(b, rng, x, 3, 8, "c1")
    a = b.add1("Mul", [a, vec("gamma", (1, 8, 1, 1), -2.0, 2.0)], name="scale")
    a = b.add1("Add", [vec("beta", (8, 1, 1)), a], name="shift")
    a = b.add1("Relu", [a], name="relu")
    c = _conv(b, rng, a, 8, 8, "c2")
    s = b.add1("Sub", [c, a], name="diff")
    s = b.add1("Mul", [b.param("half", np.float32(0.5)), s], name="halve")
    s = b.add1("Sub", [b.param("one", np.float32(1.0)), s], name="flip")
    s = b.add1("Div", [s, b.param("three", np.float32(-3.0))], name="third")
    s = b.add1("Add", [s, b.param("bias2", np.float32(0.25))], name="offset")
    m = b.add1("Mul", [s, c], name="product")
    flat = b.add1("Flatten", [b.add1("GlobalAvgPool", [m], name="gap")], name="flat")
    w = (rng.standard_normal((5, 8)) / 3).astype(np.float32)
    fc = b.add1("Dense", [flat, b.param("fc.weight", w)], name="fc")
    fc = b.add1("Mul", [fc, vec("fc.scale", (5,), 0.5, 1.5)], name="fc_scale")
    return b.finish([b.add1("Add", [fc, vec("fc.shift", (5,))], name="fc_shift")])


def cmodel_3d_net(seed: int = 0) -> Graph:
    """3-d layers of the C model: Conv (stride, asymmetric pads, dilation, groups, depthwise, fused Relu),
    Max/Avg pools (ceil mode, asymmetric and counted pads, dilation), a global pool and a grouped
    ConvTranspose (stride, dilation, pads, output_padding, fused LeakyRelu)."""
    rng = np.random.default_rng(seed)
    b = GraphBuilder("cmodel_3d_net", "frontc")
    x = b.input("data", (2, 3, 5, 6, 7))

    def conv(x: str, cin: int, cout: int, name: str, kernel: tuple, group: int = 1, **attrs) -> str:
        w = rng.standard_normal((cout, cin // group, *kernel)).astype(np.float32) / np.sqrt(cin * 4 / group)
        ins = [x, b.param(f"{name}.weight", w), b.param(f"{name}.bias", rng.normal(0, 0.1, cout))]
        return b.add1("Conv", ins, {"group": group, **attrs}, name=name)

    c = conv(x, 3, 4, "c1", (3, 2, 3), strides=[1, 2, 1], pads=[1, 0, 2, 1, 1, 0], dilations=[1, 1, 2],
             activation="Relu")
    c = conv(c, 4, 4, "grouped", (2, 2, 2), group=2, pads=[1, 1, 1, 0, 0, 0])
    c = conv(c, 4, 4, "dw", (3, 3, 3), group=4, pads=[1, 1, 1, 1, 1, 1], strides=[2, 1, 1])
    mp = b.add1("MaxPool", [c], {"kernel_shape": [2, 3, 2], "strides": [1, 2, 2], "pads": [0, 1, 1, 1, 0, 0],
                                 "ceil_mode": 1}, name="mp")
    ap = b.add1("AvgPool", [mp], {"kernel_shape": [3, 2, 2], "strides": [2, 1, 2], "pads": [1, 0, 1, 1, 1, 0],
                                  "count_include_pad": 1}, name="ap")
    dp = b.add1("MaxPool", [ap], {"kernel_shape": [2, 2, 2], "dilations": [2, 1, 2], "pads": [1, 1, 1, 0, 0, 1],
                                  "ceil_mode": 1}, name="dilated")
    cp = b.add1("AvgPool", [mp], {"kernel_shape": [2, 2, 3], "strides": [2, 2, 2], "pads": [1, 0, 1, 0, 1, 1],
                                  "ceil_mode": 1}, name="ceil")
    wt = rng.standard_normal((4, 3, 2, 3, 2)).astype(np.float32) / 3
    ct = b.add1("ConvTranspose", [c, b.param("ct.weight", wt), b.param("ct.bias", rng.normal(0, 0.1, 6))],
                {"group": 2, "strides": [2, 1, 2], "dilations": [1, 2, 1], "pads": [1, 0, 1, 0, 2, 0],
                 "output_padding": [1, 0, 1], "activation": "LeakyRelu", "activation_params": [0.1]}, name="ct")
    return b.finish([b.add1("GlobalAvgPool", [ap], name="gap"), dp, cp, ct])
