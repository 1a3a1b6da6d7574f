from frontc.passes.layout import CancelTransposes, MergeReshapes
from tests.passes.util import Net, apply, ops


def test_inverse_transposes_cancel():
    n = Net((1, 2, 3, 4))
    t = n.add("Transpose", [n.x], {"perm": [0, 2, 3, 1]}, name="to_nhwc")
    g = n.finish(n.add("Relu", [n.add("Transpose", [t], {"perm": [0, 3, 1, 2]}, name="to_nchw")]))
    after, changes = apply(g, CancelTransposes())
    assert changes == 1 and after.nodes[-1].inputs == ["x"]


def test_non_inverse_transposes_merge():
    n = Net((1, 2, 3, 4))
    t = n.add("Transpose", [n.x], {"perm": [0, 2, 3, 1]}, name="a")
    g = n.finish(n.add("Transpose", [t], {"perm": [0, 2, 1, 3]}, name="b"))
    after, _ = apply(g, CancelTransposes())
    assert after.node("b").inputs == ["x"]


def test_reshape_chain_collapses():
    n = Net((2, 4, 3, 3))
    r = n.add("Reshape", [n.x], {"shape": [2, 4, 9]}, name="r1")
    r = n.add("Unsqueeze", [r], {"axes": [0]}, name="r2")
    g = n.finish(n.add("Flatten", [r], {"axis": 2}, name="r3"))
    after, changes = apply(g, MergeReshapes())
    assert after.node("r3").inputs == ["x"] and changes == 2
    assert ops(after)[-1] == "Reshape"
