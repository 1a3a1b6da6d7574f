import pytest

from frontc.passes.batchnorm import BatchNormToScaleShift, FoldBatchNorm
from tests.passes.util import Net, apply, ops


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("group", [1, 2, 4])
def test_fold_into_conv(bias, group):
    n = Net()
    g = n.finish(n.add("Relu", [n.bn(n.conv(n.x, 4, 8 if group != 4 else 4, bias=bias, group=group),
                                     8 if group != 4 else 4)]))
    after, changes = apply(g, FoldBatchNorm())
    assert ops(after) == ["Conv", "Relu"] and changes == 1
    assert after.nodes[0].meta["fused"][0]["op"] == "BatchNorm"


@pytest.mark.parametrize("group", [1, 2])
def test_fold_into_conv_transpose(group):
    n = Net()
    y = n.add("ConvTranspose", [n.x, n.w(4, 6 // group, 3, 3, name="wt")],
              {"strides": [2, 2], "pads": [1, 1, 1, 1], "group": group})
    g = n.finish(n.bn(y, 6))
    after, changes = apply(g, FoldBatchNorm())
    assert ops(after) == ["ConvTranspose"] and changes == 1


def test_fold_into_dense():
    n = Net((3, 5))
    g = n.finish(n.bn(n.add("Dense", [n.x, n.w(6, 5, name="W")]), 6))
    after, _ = apply(g, FoldBatchNorm())
    assert ops(after) == ["Dense"] and len(after.nodes[0].inputs) == 3


def test_no_fold_when_the_conv_output_has_another_reader_or_an_activation():
    n = Net()
    c = n.conv(n.x, 4, 4)
    g = n.finish(n.bn(c, 4), n.add("Relu", [c]))
    assert apply(g, FoldBatchNorm())[1] == 0
    n = Net()
    c = n.add("Conv", [n.x, n.w(4, 4, 1, 1, name="w")], {"activation": "Relu"})
    g = n.finish(n.bn(c, 4))
    assert apply(g, FoldBatchNorm())[1] == 0


def test_no_fold_when_conv_output_is_a_graph_output():
    n = Net()
    c = n.conv(n.x, 4, 4)
    g = n.finish(n.bn(c, 4), c)
    assert apply(g, FoldBatchNorm())[1] == 0


def test_shared_weights_are_not_modified_for_the_other_user():
    n = Net()
    w = n.w(4, 4, 1, 1, name="shared")
    a = n.add("Conv", [n.x, w], name="a")
    b = n.add("Conv", [n.x, w], name="b")
    g = n.finish(n.bn(a, 4), b)
    after, _ = apply(g, FoldBatchNorm())
    assert after.node("b").inputs[1] == "shared" and after.node("a").inputs[1] != "shared"


def test_standalone_batchnorm_becomes_scale_shift():
    n = Net()
    g = n.finish(n.add("Relu", [n.bn(n.add("Relu", [n.x], name="r"), 4)], name="r2"))
    after, changes = apply(g, BatchNormToScaleShift())
    assert ops(after) == ["Relu", "Conv", "Relu"] and after.nodes[1].attrs["group"] == 4
    n = Net((3, 5))
    g = n.finish(n.bn(n.x, 5))
    after, _ = apply(g, BatchNormToScaleShift())
    assert ops(after) == ["Mul", "Add"]


def test_batchnorm_before_a_conv_is_not_folded_into_it():
    n = Net()
    g = n.finish(n.conv(n.bn(n.x, 4), 4, 4))
    assert apply(g, FoldBatchNorm())[1] == 0
