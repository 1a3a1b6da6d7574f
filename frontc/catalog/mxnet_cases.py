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


def detection_case(name: str, seed: int = SEED) -> Case:
    """A gluoncv detector of frontc.models.detection (or ``tiny_detector``) with its heads: the live
    HybridBlock, a seeded input and every output MXNet gives (ids, scores, boxes)."""
    from frontc.compat.mxnet_env import import_mxnet
    from frontc.models.detection import DETECTORS, detector, tiny_detector

    mx = import_mxnet()
    net, size = (tiny_detector(seed), 32) if name == "tiny_detector" else (detector(name, seed=seed),
                                                                          DETECTORS[name][1])
    x = seeded_input((1, 3, size, size), seed)
    reference = [out.asnumpy() for out in net(mx.nd.array(x))]
    return Case("mxnet", name, net, {"data": x.shape}, {"data": x}, reference, name != "tiny_detector",
                {"seed": seed})


def cases() -> dict[str, ModelEntry]:
    """Every MXNet case by name (``*_small`` ones are fast, the 224/299 ones slow), gluon_lstm, and the
    detectors (tiny_detector fast, the gluoncv ones slow)."""
    from frontc.models.detection import DETECTORS

    out = {name: ModelEntry(slow, functools.partial(zoo_case, name), shape)
           for name, (_, shape, slow) in MODELS.items()}
    out["gluon_lstm"] = ModelEntry(False, gluon_lstm_case, (12, 2, 16), domain="nlp", task="sequence tagging")
    sizes = {"tiny_detector": 32, **{name: size for name, (_, size) in DETECTORS.items()}}
    for name, size in sizes.items():
        out[name] = ModelEntry(name != "tiny_detector", functools.partial(detection_case, name),
                               (1, 3, size, size), task="object detection")
    return out
