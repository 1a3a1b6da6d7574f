"""Single MXNet ops built as symbols, saved as checkpoint files, converted and compared with
MXNet's own inference forward on a seeded input (1e-5 relative to max|reference|)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import frontc
from frontc.frontends.mxnet.ops_tensor import mxnet_reshape
from tests.frontends.mxnet.helpers import assert_close, mx, run_single, save_symbol

sym = mx.sym
X = (2, 4, 6, 6)


def _w(*shape: int, seed: int = 5, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, shape).astype(np.float32)


def _broadcasts(d: Any, a: Any, p: Any) -> tuple[Any, dict[str, np.ndarray]]:
    out = (sym.broadcast_sub(d, a) * sym.broadcast_div(d, p) + sym.broadcast_power(p, d)
           + sym.broadcast_minimum(d, a) + sym.elemwise_div(d, d + 2.5) - sym.elemwise_sub(d, d * 0.25)
           + sym.maximum(d, 0.1) + sym.minimum(d, -0.1) + sym.maximum(d, d * -1) + 2 ** d)
    return out, {"a": _w(1, 4, 1, 1), "p": _w(1, 1, 6, 1, low=1, high=2)}


# id -> (builder of (symbol, weights by name) from the data variable, input shape)
CASES: dict[str, tuple[Callable[[Any], tuple[Any, dict[str, np.ndarray]]], tuple[int, ...]]] = {
    "conv1d_stride_bias": (lambda d: (sym.Convolution(d, sym.var("w"), sym.var("b"), kernel=(3,),
                                                    num_filter=5, stride=(2,), pad=(1,), name="conv"),
                                    {"w": _w(5, 4, 3), "b": _w(5)}), (2, 4, 9)),
    "conv3d": (lambda d: (sym.Convolution(d, sym.var("w"), kernel=(2, 3, 3), num_filter=3,
                                        no_bias=True, pad=(0, 1, 1), name="conv"),
                        {"w": _w(3, 4, 2, 3, 3)}), (1, 4, 3, 5, 5)),
    "deconv_groups_adj_bias": (lambda d: (sym.Deconvolution(d, sym.var("w"), sym.var("b"),
                                                          kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                                          adj=(1, 1), num_group=2, num_filter=4,
                                                          no_bias=False, name="deconv"),
                                        {"w": _w(4, 2, 3, 3), "b": _w(4)}), X),
    "batchnorm_fix_gamma_default": (lambda d: (sym.BatchNorm(d, sym.var("g"), sym.var("b"),
                                                           sym.var("m"), sym.var("v"), name="bn"),
                                             {"g": _w(4, low=2, high=3), "b": _w(4), "m": _w(4),
                                              "v": _w(4, low=0.5, high=2)}), X),
    "fc_flatten_no_bias": (lambda d: (sym.FullyConnected(d, sym.var("w"), num_hidden=7,
                                                       no_bias=True, name="fc"),
                                    {"w": _w(7, 144)}), X),
    "pool_global_max": (lambda d: (sym.Pooling(d, kernel=(1, 1), global_pool=True,
                                             pool_type="max", name="pool"), {}), X),
    "pool_avg_full_count_pad": (lambda d: (sym.Pooling(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                                     pool_type="avg", pooling_convention="full",
                                                     name="pool"), {}), (1, 2, 7, 8)),
    "lrn": (lambda d: (sym.LRN(d, nsize=3, alpha=1e-2, beta=0.6, knorm=1.5, name="lrn"), {}), X),
    "activations": (lambda d: (sym.Activation(d, act_type="relu") + sym.Activation(
        d, act_type="sigmoid") + sym.Activation(d, act_type="tanh") + sym.relu(d)
        + sym.Activation(d, act_type="softrelu") + sym.sigmoid(d) + sym.tanh(d) + sym.softsign(d),
        {}), X),
    "rrelu_inference": (lambda d: (sym.LeakyReLU(d, act_type="rrelu", name="rrelu")[0], {}), X),
    "unary_math": (lambda d: (sym.sqrt(sym.abs(d) + 0.1) + sym.exp(d) - sym.log(
        sym.abs(d) + 0.5) + sym.negative(d) + sym.reciprocal(d + 3) + sym.floor(
        d * 3) + sym.ceil(d * 2) + sym.square(d) + sym.rsqrt(d + 2), {}), X),
    "binary_broadcast": (lambda d: _broadcasts(d, sym.var("a"), sym.var("p")),
                         X),
    "reshape_codes": (lambda d: (sym.reshape(sym.reshape(d, shape=(-3, -2)), shape=(-1, 0),
                                           reverse=True), {}), X),
    "split_squeeze_axis": (lambda d: (sym.concat(*sym.split(d, num_outputs=4, axis=1,
                                                          squeeze_axis=True), dim=2), {}), X),
    "squeeze_everything": (lambda d: (sym.squeeze(sym.sum(d, axis=(1, 2, 3), keepdims=True)),
                                    {}), (1, 4, 6, 6)),
    "mean_exclude": (lambda d: (sym.mean(d, axis=(0, 2), exclude=True), {}), X),
    "slice_negative_step": (lambda d: (sym.slice(d, begin=(None, None, 4), end=(None, None, 0),
                                               step=(1, 2, -2)), {}), X),
    "pad_constant_reflect": (lambda d: (sym.pad(sym.pad(d, mode="constant", constant_value=0.5,
                                                      pad_width=(0, 0, 0, 0, 1, 2, 0, 1)),
                                              mode="reflect", pad_width=(0, 0, 0, 0, 2, 1, 1, 2)),
                                      {}), X),
    "cast_round_trip": (lambda d: (sym.Cast(sym.Cast(d * 4, dtype="int32"), dtype="float32"),
                                 {}), X),
    "embedding": (lambda d: (sym.Embedding(sym.floor(sym.abs(d) * 5), sym.var("w"), input_dim=6,
                                         output_dim=3, name="embed"), {"w": _w(6, 3)}), (2, 5)),
    "dropout_identity_blockgrad": (lambda d: (sym.BlockGrad(sym.Dropout(d, p=0.3)) + sym.identity(
        d) + sym.stop_gradient(d), {}), X),
    "softmax_temperature": (lambda d: (sym.softmax(d, axis=1, temperature=2.5), {}), X),
    "softmax_output_rank3": (lambda d: (sym.SoftmaxOutput(d, name="softmax"), {}), (2, 4, 6)),
    "softmax_output_preserve_shape": (lambda d: (sym.SoftmaxOutput(d, preserve_shape=True,
                                                                   name="softmax"), {}), X),
    "softmax_output_multi": (lambda d: (sym.SoftmaxOutput(d, multi_output=True, name="softmax"),
                                      {}), X),
    "softmax_activation": (lambda d: (sym.SoftmaxActivation(d) + sym.SoftmaxActivation(
        d, mode="channel"), {}), X),
    "regression_outputs": (lambda d: (sym.LinearRegressionOutput(d, name="lin")
                                    + sym.LogisticRegressionOutput(d, name="log")
                                    + sym.MAERegressionOutput(d, name="mae"), {}), X),
    "upsampling": (lambda d: (sym.UpSampling(d, scale=3, sample_type="nearest"), {}), X),
}


def mxnet_forward(symbol: Any, weights: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """MXNet's inference output; label inputs of loss layers are fed zeros."""
    known = {name: value.shape for name, value in weights.items()}
    arg_shapes, _, _ = symbol.infer_shape(data=x.shape, **known)
    args = {name: mx.nd.array(weights[name]) if name in weights else mx.nd.zeros(shape)
            for name, shape in zip(symbol.list_arguments(), arg_shapes)}
    args["data"] = mx.nd.array(x)
    aux = {name: mx.nd.array(weights[name]) for name in symbol.list_auxiliary_states()}
    executor = symbol.bind(mx.cpu(), args=args, aux_states=aux, grad_req="null")
    return executor.forward(is_train=False)[0].asnumpy()


def saved(symbol: Any, weights: dict[str, np.ndarray], prefix) -> str:
    aux = set(symbol.list_auxiliary_states())
    params = {f"{'aux' if k in aux else 'arg'}:{k}": mx.nd.array(v) for k, v in weights.items()}
    return save_symbol(symbol, params, prefix)


@pytest.mark.parametrize("case", sorted(CASES))
def test_op_matches_mxnet(case, tmp_path):
    build, shape = CASES[case]
    symbol, weights = build(sym.var("data"))
    x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    reference = mxnet_forward(symbol, weights, x)
    graph = frontc.load(saved(symbol, weights, tmp_path / case), "mxnet", input_shapes={"data": shape})
    assert_close(run_single(graph, x), reference)
    names = {node["name"] for node in json.loads(symbol.tojson())["nodes"]}
    assert set(graph.meta["source_names"].values()) <= names  # IR nodes trace back to MXNet nodes


@pytest.mark.parametrize("shape, spec, reverse", [
    ((2, 3, 4), (0, -1), False), ((2, 3, 4), (-2,), False), ((2, 3, 4), (-3, 4), False),
    ((2, 3, 4), (-4, 1, 2, -2), False), ((2, 3, 4), (0, -4, 3, -1, 0), False),
    ((2, 3, 4, 5), (0, -3, 0), False), ((2, 3, 4, 5), (-1, 0), True), ((6, 4), (3, -1), False),
    ((2, 3, 4), (4, 0, -1), True),
])
def test_reshape_codes_match_mxnet(shape, spec, reverse):
    expected = mx.nd.zeros(shape).reshape(shape=spec, reverse=reverse).shape
    assert tuple(mxnet_reshape(shape, spec, reverse)) == expected


REFERENCE_KERNEL = """
import sys
import numpy as np
from frontc.compat.mxnet_env import import_mxnet
mx = import_mxnet()
prefix = sys.argv[1]
symbol = mx.sym.load(prefix + "-symbol.json")
args = {k.split(":", 1)[1]: v for k, v in mx.nd.load(prefix + "-0000.params").items()}
args["data"] = mx.nd.array(np.load(prefix + "-x.npy"))
out = symbol.bind(mx.cpu(), args=args, grad_req="null").forward(is_train=False)[0]
np.save(prefix + "-y.npy", out.asnumpy())
"""


def test_deconvolution_target_shape(tmp_path):
    """mxnet's oneDNN kernel fails on target_shape ('could not create a descriptor for a dilated
    deconvolution'), so mxnet's reference kernel (MXNET_MKLDNN_ENABLED=0) is the oracle."""
    symbol = sym.Deconvolution(sym.var("data"), sym.var("w"), kernel=(3, 3), stride=(2, 2),
                               num_filter=3, target_shape=(12, 11), name="deconv")
    prefix = saved(symbol, {"w": _w(4, 3, 3, 3)}, tmp_path / "deconv")
    x = np.random.default_rng(0).uniform(-1, 1, X).astype(np.float32)
    np.save(prefix + "-x.npy", x)
    subprocess.run([sys.executable, "-c", REFERENCE_KERNEL, prefix], check=True, capture_output=True,
                   env={**os.environ, "MXNET_MKLDNN_ENABLED": "0"}, timeout=120)
    reference = np.load(prefix + "-y.npy")
    assert reference.shape == (2, 3, 12, 11)
    graph = frontc.load(prefix, "mxnet", input_shapes={"data": X})
    assert_close(run_single(graph, x), reference)


def test_softmax_output_on_4d_input_is_refused(tmp_path):
    """Its meaning depends on the mxnet build there (oneDNN: last axis; reference: whole sample)."""
    prefix = saved(sym.SoftmaxOutput(sym.var("data"), name="softmax"), {}, tmp_path / "softmax")
    with pytest.raises(frontc.FrontcError, match="node 'softmax': SoftmaxOutput with a 4-d input"):
        frontc.load(prefix, "mxnet", input_shapes={"data": X})


def test_unsupported_setting_names_the_node(tmp_path):
    symbol = sym.Pooling(sym.var("data"), kernel=(2, 2), pool_type="lp", p_value=2, name="lp_pool")
    prefix = saved(symbol, {}, tmp_path / "lp")
    with pytest.raises(frontc.FrontcError, match="node 'lp_pool': Pooling with pool_type=lp"):
        frontc.load(prefix, "mxnet", input_shapes={"data": X})
