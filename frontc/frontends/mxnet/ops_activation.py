"""Converters of MXNet activations, clipping and softmax outputs."""
from __future__ import annotations

from frontc.frontends.mxnet.context import REG, Context
from frontc.frontends.mxnet.symbol import MxNode

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946
SIMPLE = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh"}


def _softplus(x: str, node: MxNode, ctx: Context) -> str:
    """log(1 + exp(x)) as max(x, 0) + log(1 + exp(-|x|)), which cannot overflow."""
    one = ctx.constant(1.0, node, "_one", ctx.dtype(x))
    neg = ctx.add("Neg", [ctx.add("Abs", [x], {}, node, "_abs")], {}, node, "_neg")
    log = ctx.add("Log", [ctx.add("Add", [ctx.add("Exp", [neg], {}, node, "_exp"), one], {},
                                  node, "_1p")], {}, node, "_log")
    return ctx.add("Add", [ctx.add("Relu", [x], {}, node, "_relu"), log], {}, node)


def _softsign(x: str, node: MxNode, ctx: Context) -> str:
    one = ctx.constant(1.0, node, "_one", ctx.dtype(x))
    denominator = ctx.add("Add", [ctx.add("Abs", [x], {}, node, "_abs"), one], {}, node, "_1p")
    return ctx.add("Div", [x, denominator], {}, node)


def _activation(act: str, x: str, node: MxNode, ctx: Context) -> str:
    if act in SIMPLE:
        return ctx.add(SIMPLE[act], [x], {}, node)
    if act == "softrelu":
        return _softplus(x, node, ctx)
    if act == "softsign":
        return _softsign(x, node, ctx)
    raise ctx.unsupported(node, f"act_type={act}")


@REG.register("Activation")
def activation(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Activation (relu, sigmoid, tanh, softrelu, softsign)."""
    return [_activation(node.get_str("act_type"), ctx.x(node, 0), node, ctx)]


@REG.register("relu", "sigmoid", "tanh", "softsign")
def named_activation(node: MxNode, ctx: Context) -> list[str]:
    """MXNet relu / sigmoid / tanh / softsign operators."""
    return [_activation(node.op, ctx.x(node, 0), node, ctx)]


@REG.register("LeakyReLU")
def leaky_relu(node: MxNode, ctx: Context) -> list[str]:
    """MXNet LeakyReLU (leaky, prelu, elu, selu, rrelu at inference)."""
    act = node.get_str("act_type", "leaky")
    x = ctx.x(node, 0)
    slope = node.get_float("slope", 0.25)
    if act == "leaky":
        return [ctx.add("LeakyRelu", [x], {"alpha": slope}, node)]
    if act == "rrelu":  # inference uses the mean of the sampling range
        mean = (node.get_float("lower_bound", 0.125) + node.get_float("upper_bound", 0.334)) / 2
        return [ctx.add("LeakyRelu", [x], {"alpha": mean}, node)]
    if act == "elu":
        return [ctx.add("Elu", [x], {"alpha": slope}, node)]
    if act == "selu":
        elu = ctx.add("Elu", [x], {"alpha": SELU_ALPHA}, node, "_elu")
        return [ctx.add("Mul", [elu, ctx.constant(SELU_LAMBDA, node, "_lambda", ctx.dtype(x))], {},
                        node)]
    if act == "prelu":
        gamma = ctx.const(node, 1)
        rank = len(ctx.shape(x))
        if gamma is None or gamma.ndim != 1 or rank < 2:
            raise ctx.unsupported(node, "a prelu gamma that is not a stored 1-d weight")
        shape = (gamma.shape[0],) + (1,) * (rank - 2) if gamma.shape[0] > 1 else (1,)
        slope_name = ctx.constant(gamma.reshape(shape), node, "_gamma", ctx.dtype(x))
        return [ctx.add("PRelu", [x, slope_name], {}, node)]
    raise ctx.unsupported(node, f"act_type={act}")


@REG.register("clip")
def clip(node: MxNode, ctx: Context) -> list[str]:
    """MXNet clip(a_min, a_max) -> Clip."""
    attrs = {"min": node.get_float("a_min"), "max": node.get_float("a_max")}
    return [ctx.add("Clip", [ctx.x(node, 0)], attrs, node)]


@REG.register("hard_sigmoid")
def hard_sigmoid(node: MxNode, ctx: Context) -> list[str]:
    """MXNet hard_sigmoid: clip(alpha * x + beta, 0, 1) -> HardSigmoid."""
    attrs = {"alpha": node.get_float("alpha", 0.2), "beta": node.get_float("beta", 0.5)}
    return [ctx.add("HardSigmoid", [ctx.x(node, 0)], attrs, node)]


def _scaled(node: MxNode, ctx: Context) -> str:
    """The input, divided by ``temperature`` when one is set."""
    x = ctx.x(node, 0)
    if node.has("temperature") and node.get_float("temperature") != 1.0:
        t = ctx.constant(node.get_float("temperature"), node, "_temperature", ctx.dtype(x))
        x = ctx.add("Div", [x, t], {}, node, "_scaled")
    return x


def _check_no_length(node: MxNode, ctx: Context) -> None:
    if node.get_bool("use_length", False):
        raise ctx.unsupported(node, "use_length=True")


@REG.register("softmax")
def softmax(node: MxNode, ctx: Context) -> list[str]:
    """MXNet softmax(axis, temperature) -> Softmax."""
    _check_no_length(node, ctx)
    return [ctx.add("Softmax", [_scaled(node, ctx)], {"axis": node.get_int("axis", -1)}, node)]


@REG.register("log_softmax")
def log_softmax(node: MxNode, ctx: Context) -> list[str]:
    """MXNet log_softmax: x - max - log(sum(exp(x - max))) along axis."""
    _check_no_length(node, ctx)
    x = _scaled(node, ctx)
    axes = [node.get_int("axis", -1)]
    shifted = ctx.add("Sub", [x, ctx.add("ReduceMax", [x], {"axes": axes}, node, "_max")], {}, node,
                      "_shifted")
    total = ctx.add("ReduceSum", [ctx.add("Exp", [shifted], {}, node, "_exp")], {"axes": axes}, node,
                    "_sum")
    return [ctx.add("Sub", [shifted, ctx.add("Log", [total], {}, node, "_log")], {}, node)]


@REG.register("SoftmaxOutput", "Softmax")
def softmax_output(node: MxNode, ctx: Context) -> list[str]:
    """MXNet SoftmaxOutput at inference: the softmax (the label input is ignored)."""
    x = ctx.x(node, 0)
    if node.get_bool("multi_output", False):
        return [ctx.add("Softmax", [x], {"axis": 1}, node)]
    shape = ctx.shape(x)
    if node.get_bool("preserve_shape", False) or len(shape) <= 2:
        return [ctx.add("Softmax", [x], {"axis": -1}, node)]
    if len(shape) == 4:
        # the reference kernel normalizes all values of a sample, mxnet's oneDNN CPU kernel
        # (what pip's mxnet runs) only the last axis: the model's meaning depends on the build
        raise ctx.unsupported(node, "a 4-d input and neither multi_output nor preserve_shape "
                                    "(mxnet's CPU and reference kernels disagree there)")
    rows = ctx.add("Softmax", [ctx.add("Flatten", [x], {"axis": 1}, node, "_flatten")], {"axis": 1},
                   node, "_softmax")
    return [ctx.add("Reshape", [rows], {"shape": list(shape)}, node)]


@REG.register("SoftmaxActivation")
def softmax_activation(node: MxNode, ctx: Context) -> list[str]:
    """MXNet SoftmaxActivation: mode instance over the last axis, mode channel over axis 1."""
    axis = 1 if node.get_str("mode", "instance") == "channel" else -1
    return [ctx.add("Softmax", [ctx.x(node, 0)], {"axis": axis}, node)]


@REG.register("LinearRegressionOutput", "MAERegressionOutput")
def regression_output(node: MxNode, ctx: Context) -> list[str]:
    """MXNet Linear/MAE RegressionOutput at inference: the identity (label ignored)."""
    return [ctx.add("Identity", [ctx.x(node, 0)], {}, node)]


@REG.register("LogisticRegressionOutput")
def logistic_output(node: MxNode, ctx: Context) -> list[str]:
    """MXNet LogisticRegressionOutput at inference: the sigmoid (label ignored)."""
    return [ctx.add("Sigmoid", [ctx.x(node, 0)], {}, node)]
