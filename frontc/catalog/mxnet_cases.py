"""MXNet/Gluon cases: gluoncv model-zoo networks with seeded weights; MXNet computes the reference.

Each network is built with pretrained=False, ``mx.random.seed(SEED)`` + Xavier
initialization and seeded random BatchNorm statistics (``zoo_block``), so that
``frontc.load(case.source, "mxnet", ...)`` rebuilds exactly the same weights.
"""
from __future__ import annotations

import functools

from frontc.catalog.case import Case, ModelEntry, seeded_input

SEED = 0
# case name -> (gluoncv name, input shape, slow)
MODELS: dict[str, tuple[str, tuple[int, ...], bool]] = {
    "resnet18_v1_small": ("resnet18_v1", (1, 3, 64, 64), False),
    "resnet18_v1": ("resnet18_v1", (1, 3, 224, 224), True),
    "resnet50_v1b": ("resnet50_v1b", (1, 3, 224, 224), True),
    "mobilenetv2_1.0": ("mobilenetv2_1.0", (1, 3, 224, 224), True),
    "mobilenetv3_large": ("mobilenetv3_large", (1, 3, 224, 224), True),
    "vgg16_bn": ("vgg16_bn", (1, 3, 224, 224), True),
    "densenet121": ("densenet121", (1, 3, 224, 224), True),
    "squeezenet1.1": ("squeezenet1.1", (1, 3, 224, 224), True),
    "inceptionv3": ("inceptionv3", (1, 3, 299, 299), True),
}


def zoo_case(name: str, seed: int = SEED) -> Case:
    """The case ``name`` of MODELS: a seeded input and MXNet's own inference output on it."""
    from frontc.compat.mxnet_env import import_mxnet
    from frontc.frontends.mxnet.gluon import zoo_block

    model, shape, slow = MODELS[name]
    mx = import_mxnet()
    net = zoo_block(model, seed=seed, input_shape=shape)
    x = seeded_input(shape, seed)
    reference = net(mx.nd.array(x)).asnumpy()
    return Case("mxnet", name, model, {"data": shape}, {"data": x}, [reference], slow,
                {"seed": seed})


def gluon_lstm_case(seed: int = SEED) -> Case:
    """frontc.models.gluon.lstm_tagger (a live HybridBlock) on a seeded (steps, batch, features) input."""
    from frontc.compat.mxnet_env import import_mxnet
    from frontc.models.gluon import lstm_tagger

    mx = import_mxnet()
    net = lstm_tagger(seed)
    x = seeded_input((12, 2, 16), seed)
    return Case("mxnet", "gluon_lstm", net, {"data": x.shape}, {"data": x}, [net(mx.nd.array(x)).asnumpy()])


def cases() -> dict[str, ModelEntry]:
    """Every MXNet case by name (``*_small`` ones are fast, the 224/299 ones slow), and gluon_lstm."""
    out = {name: ModelEntry(slow, functools.partial(zoo_case, name), shape)
           for name, (_, shape, slow) in MODELS.items()}
    out["gluon_lstm"] = ModelEntry(False, gluon_lstm_case, (12, 2, 16), domain="nlp", task="sequence tagging")
    return out
