from frontc.passes.canonical import CanonicalActivations, DenseBiasAdd, GemmToDense, ReshapeToFlatten
from tests.passes.util import Net, apply, ops


def test_gemm_with_transposes_alpha_beta_becomes_dense():
    for trans_b in (0, 1):
        n = Net((3, 5))
        w = n.w(*((6, 5) if trans_b else (5, 6)), name="B")
        g = n.finish(n.add("Gemm", [n.x, w, n.w(6, name="C")],
                           {"transB": trans_b, "alpha": 0.5, "beta": 2.0}))
        after, changes = apply(g, GemmToDense())
        assert ops(after) == ["Dense"] and changes == 1


def test_gemm_with_full_matrix_c_or_trans_a_is_left_alone():
    n = Net((3, 5))
    g = n.finish(n.add("Gemm", [n.x, n.w(5, 6, name="B"), n.w(3, 6, name="C")]))
    assert apply(g, GemmToDense())[1] == 0
    n = Net((5, 3))
    g = n.finish(n.add("Gemm", [n.x, n.w(5, 6, name="B")], {"transA": 1}))
    assert apply(g, GemmToDense())[1] == 0


def test_matmul_plus_add_becomes_dense_with_bias():
    n = Net((2, 7, 5))
    y = n.add("MatMul", [n.x, n.w(5, 6, name="W")])
    g = n.finish(n.add("Add", [n.w(6, name="bias"), y]))
    after, _ = apply(g, GemmToDense())
    after, changes = apply(after, DenseBiasAdd())
    assert ops(after) == ["Dense"] and changes == 1 and len(after.nodes[0].inputs) == 3
    assert after.outputs == g.outputs


def test_matmul_of_two_activations_is_not_dense():
    n = Net((5, 5))
    g = n.finish(n.add("MatMul", [n.x, n.add("Transpose", [n.x], {"perm": [1, 0]})]))
    assert apply(g, GemmToDense())[1] == 0


def test_reshape_to_flatten():
    n = Net((2, 4, 3, 3))
    y = n.add("Reshape", [n.x], {"shape": [2, -1]})
    g = n.finish(n.add("Squeeze", [n.add("GlobalAvgPool", [n.x])], {"axes": [2, 3]}), y)
    after, changes = apply(g, ReshapeToFlatten())
    assert ops(after).count("Flatten") == 2 and changes == 2


def test_reshape_that_changes_batch_is_kept():
    n = Net((2, 4, 3, 3))
    g = n.finish(n.add("Reshape", [n.x], {"shape": [1, -1]}))
    assert apply(g, ReshapeToFlatten())[1] == 0


def test_canonical_activations():
    n = Net()
    a = n.add("Clip", [n.x], {"min": 0.0, "max": 6.0}, name="c6")
    b = n.add("Clip", [n.x], {"min": 0.0}, name="c0")
    c = n.add("Mul", [n.x, n.add("Sigmoid", [n.x], name="sig")], name="swish")
    d = n.add("Mul", [n.add("HardSigmoid", [n.x], {"alpha": 1 / 6, "beta": 0.5}, name="hs"), n.x],
              name="hswish")
    e = n.add("Clip", [n.x], {"min": -1.0, "max": 1.0}, name="clip")
    g = n.finish(a, b, c, d, e)
    after, changes = apply(g, CanonicalActivations())
    assert ops(after) == ["Relu6", "Relu", "Swish", "HardSwish", "Clip"] and changes == 4


def test_swish_pattern_needs_the_same_input_and_a_private_gate():
    n = Net()
    gate = n.add("Sigmoid", [n.x], name="sig")
    y = n.add("Mul", [n.add("Relu", [n.x], name="r"), gate], name="not_swish")
    g = n.finish(y, gate)
    assert apply(g, CanonicalActivations())[1] == 0
