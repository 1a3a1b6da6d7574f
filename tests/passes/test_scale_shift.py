import numpy as np
import pytest

from frontc.passes.scale_shift import FoldInputScale, FoldOutputScaleShift
from tests.passes.util import Net, apply, ops


@pytest.mark.parametrize("op, shape", [("Mul", (8, 1, 1)), ("Add", (1, 8, 1, 1)), ("Sub", (8, 1, 1)),
                                       ("Div", (8, 1, 1)), ("Mul", (1,)), ("Add", ())])
def test_fold_after_conv(op, shape):
    n = Net()
    c = n.conv(n.x, 4, 8)
    value = n.b.param("k", np.random.default_rng(3).uniform(0.5, 2, shape).astype(np.float32))
    g = n.finish(n.add(op, [c, value]))
    after, changes = apply(g, FoldOutputScaleShift())
    assert ops(after) == ["Conv"] and changes == 1


def test_constant_on_the_left_of_sub_is_not_folded():
    n = Net()
    c = n.conv(n.x, 4, 8)
    g = n.finish(n.add("Sub", [n.w(8, 1, 1, name="k"), c]))
    assert apply(g, FoldOutputScaleShift())[1] == 0


def test_spatially_varying_constant_is_not_folded():
    n = Net()
    c = n.conv(n.x, 4, 8)
    g = n.finish(n.add("Mul", [c, n.w(8, 8, 8, name="k")]))
    assert apply(g, FoldOutputScaleShift())[1] == 0


def test_fold_after_dense():
    n = Net((2, 5))
    d = n.add("Dense", [n.x, n.w(6, 5, name="W")])
    g = n.finish(n.add("Mul", [d, n.w(6, name="k")]))
    after, _ = apply(g, FoldOutputScaleShift())
    assert ops(after) == ["Dense"]


def test_input_scale_folds_into_padded_conv():
    n = Net()
    scaled = n.add("Mul", [n.x, n.w(4, 1, 1, name="k")], name="scale")
    g = n.finish(n.conv(scaled, 4, 8, pads=[1, 1, 1, 1]))
    after, changes = apply(g, FoldInputScale())
    assert ops(after) == ["Conv"] and changes == 1


def test_input_shift_and_grouped_conv_are_not_folded():
    n = Net()
    g = n.finish(n.conv(n.add("Add", [n.x, n.w(4, 1, 1, name="k")]), 4, 8))
    assert apply(g, FoldInputScale())[1] == 0
    n = Net()
    g = n.finish(n.conv(n.add("Mul", [n.x, n.w(4, 1, 1, name="k")]), 4, 4, group=2))
    assert apply(g, FoldInputScale())[1] == 0
