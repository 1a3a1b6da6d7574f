"""Live Gluon blocks and gluoncv model-zoo networks: build them seeded and export them to files.

This is the only module of the frontend that imports mxnet (and gluoncv), and
only when a block or a zoo name is given.
"""
from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from frontc.compat.mxnet_env import import_gluoncv, import_mxnet
from frontc.ir.errors import ModelLoadError

# Spellings of the project's checklists -> gluoncv names.
ZOO_ALIASES = {"resnet50v1b": "resnet50_v1b", "mobilenet_v2_1.0": "mobilenetv2_1.0",
               "mobilenetv3large": "mobilenetv3_large"}
LARGE_INPUT = {"inceptionv3": (1, 3, 299, 299)}
DEFAULT_INPUT = (1, 3, 224, 224)


def is_block(source: Any) -> bool:
    """True for a Gluon HybridBlock, without importing mxnet for anything else."""
    if not type(source).__module__.startswith(("mxnet", "gluoncv")) and \
            not any(c.__module__.startswith(("mxnet", "gluoncv")) for c in type(source).__mro__):
        return False
    return isinstance(source, import_mxnet().gluon.HybridBlock)


def zoo_name(name: str) -> str:
    """The gluoncv model-zoo name of ``name`` (aliases and ``_``-less spellings accepted)."""
    names = import_gluoncv().model_zoo.get_model_list()
    if name in names:
        return name
    key = name.lower()
    if key in ZOO_ALIASES:
        return ZOO_ALIASES[key]
    squashed = {n.replace("_", "").lower(): n for n in names}
    if key.replace("_", "") in squashed:
        return squashed[key.replace("_", "")]
    close = difflib.get_close_matches(name, names, n=3)
    raise ModelLoadError(f"'{name}' is neither a file nor a gluoncv model-zoo name",
                         hint=f"did you mean {close}?" if close else "see "
                         "gluoncv.model_zoo.get_model_list()")


def zoo_input_shape(name: str) -> tuple[int, ...]:
    """The usual input shape of a zoo network (299x299 for Inception v3, else 224x224)."""
    return LARGE_INPUT.get(name, DEFAULT_INPUT)


def randomize_batchnorm(block: Any, seed: int) -> None:
    """Give every BatchNorm seeded random gamma, beta, running mean and (positive) running var,
    so that a test of inference BatchNorm is not a test of the identity."""
    mx = import_mxnet()
    rng = np.random.default_rng(seed)
    layers: list[Any] = []
    block.apply(lambda b: layers.append(b) if isinstance(b, mx.gluon.nn.BatchNorm) else None)
    for layer in layers:
        params = layer.params
        for suffix, low, high in (("gamma", 0.5, 1.5), ("beta", -0.2, 0.2),
                                  ("running_mean", -0.2, 0.2), ("running_var", 0.5, 1.5)):
            param = next(p for name, p in params.items() if name.endswith(suffix))
            param.set_data(mx.nd.array(rng.uniform(low, high, param.shape), dtype=param.dtype))


def zoo_block(name: str, *, seed: int = 0, input_shape: Sequence[int] | None = None) -> Any:
    """A gluoncv zoo network, pretrained=False, Xavier-initialized and BatchNorm-randomized
    from ``seed``; deterministic for a given (name, seed), node names included (a fresh name
    scope, so a second build in the same process is not renamed ``resnetv1b1_...``)."""
    mx, gcv = import_mxnet(), import_gluoncv()
    name = zoo_name(name)
    mx.random.seed(seed)
    with mx.name.NameManager():
        net = gcv.model_zoo.get_model(name, pretrained=False)
    net.initialize(mx.init.Xavier())
    net(mx.nd.zeros(tuple(input_shape or zoo_input_shape(name))))  # settles deferred shapes
    randomize_batchnorm(net, seed)
    return net


def export_block(block: Any, input_shapes: Sequence[Sequence[int]], directory: str | Path,
                 name: str = "model") -> str:
    """Hybridize, run once on zeros and ``export`` ``block``; returns the file prefix."""
    mx = import_mxnet()
    prefix = str(Path(directory) / name)
    try:
        block.hybridize()
        block(*[mx.nd.zeros(tuple(shape)) for shape in input_shapes])
        block.export(prefix, epoch=0)
    except mx.base.MXNetError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelLoadError(f"mxnet could not export {type(block).__name__}: {first}") from None
    return prefix


def exported_input_names(count: int) -> list[str]:
    """The data input names ``HybridBlock.export`` writes: ``data``, or ``data0``, ``data1``..."""
    return ["data"] if count == 1 else [f"data{i}" for i in range(count)]
