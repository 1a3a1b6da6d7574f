import numpy as np

from frontc.passes.cleanup import EliminateDeadCode, FoldConstants, RemoveIdentity
from tests.passes.util import Net, apply, ops


def test_remove_identity_dropout_and_noop_reshapes():
    n = Net()
    y = n.add("Identity", [n.x])
    y = n.add("Dropout", [y], {"ratio": 0.3})
    y = n.add("Relu", [y])
    y = n.add("Reshape", [y], {"shape": [1, 4, 8, 8]})
    y = n.add("Transpose", [y], {"perm": [0, 1, 2, 3]})
    y = n.add("Transpose", [y], {"perm": [0, 1, 3, 2]}, name="real_transpose")
    g = n.finish(n.add("Identity", [y], name="out"))
    after, changes = apply(g, RemoveIdentity())
    assert ops(after) == ["Relu", "Transpose"] and changes == 5
    assert after.outputs == ["out"], "the graph output keeps its name"


def test_fold_constants_evaluates_param_only_subgraphs():
    n = Net()
    w = n.w(4, name="a")
    scaled = n.add("Mul", [w, n.b.param("two", np.float32(2))], name="const_mul")
    shaped = n.add("Reshape", [scaled], {"shape": [1, 4, 1, 1]}, name="const_reshape")
    g = n.finish(n.add("Add", [n.x, shaped]))
    after, changes = apply(g, FoldConstants())
    assert ops(after) == ["Add"] and changes == 2
    np.testing.assert_array_equal(after.params["const_reshape"].ravel(), g.params["a"] * 2)


def test_dead_code_and_unused_params_are_removed():
    n = Net()
    used = n.add("Relu", [n.x])
    n.add("Sigmoid", [n.add("Tanh", [n.x])])
    n.w(3, name="lonely")
    g = n.b.graph
    g.outputs = [used]
    after, changes = apply(g, EliminateDeadCode())
    assert ops(after) == ["Relu"] and "lonely" not in after.params and changes == 3
