import pytest

from frontc.passes.fusion import FuseActivation, FusePad, FuseResidual
from tests.passes.util import Net, apply, ops

ACTIVATIONS = [("Relu", {}), ("Relu6", {}), ("Clip", {"min": -0.5, "max": 0.7}),
               ("LeakyRelu", {"alpha": 0.2}), ("Sigmoid", {}), ("HardSigmoid", {"alpha": 0.3, "beta": 0.4}),
               ("HardSwish", {}), ("Swish", {"alpha": 1.5}), ("Tanh", {})]


@pytest.mark.parametrize("op, attrs", ACTIVATIONS)
def test_activation_fuses_into_conv_and_dense(op, attrs):
    n = Net()
    g = n.finish(n.add(op, [n.conv(n.x, 4, 8)], attrs))
    after, changes = apply(g, FuseActivation())
    assert ops(after) == ["Conv"] and after.nodes[0].attrs["activation"] == op and changes == 1
    n = Net((2, 5))
    g = n.finish(n.add(op, [n.add("Dense", [n.x, n.w(3, 5, name="W")])], attrs))
    after, _ = apply(g, FuseActivation())
    assert ops(after) == ["Dense"]


def test_activation_is_not_fused_when_conv_output_is_also_read_elsewhere():
    n = Net()
    c = n.conv(n.x, 4, 4)
    g = n.finish(n.add("Add", [n.add("Relu", [c]), c]))
    assert apply(g, FuseActivation())[1] == 0


def test_residual_then_activation():
    n = Net()
    skip = n.add("Relu", [n.x], name="skip")
    y = n.add("Add", [skip, n.conv(skip, 4, 4)])
    g = n.finish(n.add("Relu", [y], name="out"))
    after, changes = apply(g, FuseResidual())
    assert ops(after) == ["Relu", "Conv", "Relu"] and changes == 1
    after, _ = apply(after, FuseActivation())
    conv = after.nodes[1]
    assert ops(after) == ["Relu", "Conv"] and conv.inputs[3] == "skip" and conv.attrs["activation"] == "Relu"
    assert after.outputs == ["out"]


def test_residual_with_broadcast_or_conv_activation_is_not_fused():
    n = Net()
    y = n.add("Add", [n.conv(n.x, 4, 4), n.w(4, 1, 1, name="k")])
    g = n.finish(y)
    assert apply(g, FuseResidual())[1] == 0
    n = Net()
    c = n.add("Conv", [n.x, n.w(4, 4, 1, 1, name="w")], {"activation": "Relu"})
    g = n.finish(n.add("Add", [c, n.x]))
    assert apply(g, FuseResidual())[1] == 0


def test_residual_of_two_convs_takes_the_later_one():
    n = Net()
    a = n.add("Conv", [n.x, n.w(4, 4, 1, 1, name="wa")], name="a")
    b = n.add("Conv", [n.x, n.w(4, 4, 1, 1, name="wb")], name="b")
    g = n.finish(n.add("Add", [a, b]))
    after, _ = apply(g, FuseResidual())
    assert ops(after) == ["Conv", "Conv"] and after.node("b").inputs[3] == "a"


@pytest.mark.parametrize("reader", ["Conv", "AvgPool", "MaxPool"])
def test_pad_fuses_into_conv_and_pools(reader):
    n = Net()
    value = -3.4028234663852886e38 if reader == "MaxPool" else 0.0
    p = n.add("Pad", [n.x], {"pads": [0, 0, 1, 2, 0, 0, 2, 1], "value": value})
    if reader == "Conv":
        y = n.conv(p, 4, 4, pads=[0, 0, 0, 0])
    else:
        y = n.add(reader, [p], {"kernel_shape": [3, 3], "strides": [2, 2]})
    g = n.finish(y)
    after, changes = apply(g, FusePad())
    assert ops(after) == [reader] and changes == 1


def test_pad_of_channels_reflect_or_nonzero_is_not_fused():
    for attrs in ({"pads": [0, 1, 0, 0, 0, 0, 0, 0]}, {"pads": [0, 0, 1, 1, 0, 0, 1, 1], "mode": "reflect"},
                  {"pads": [0, 0, 1, 1, 0, 0, 1, 1], "value": 1.0}):
        n = Net()
        p = n.add("Pad", [n.x], attrs)
        cin = 5 if attrs["pads"][1] else 4
        g = n.finish(n.conv(p, cin, 4, pads=[0, 0, 0, 0]))
        assert apply(g, FusePad())[1] == 0
    n = Net()
    g = n.finish(n.add("MaxPool", [n.add("Pad", [n.x], {"pads": [0, 0, 1, 1, 0, 0, 1, 1]})],
                       {"kernel_shape": [2, 2]}))
    assert apply(g, FusePad())[1] == 0
