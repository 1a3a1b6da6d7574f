"""gluoncv detection networks (CenterNet, YOLOv3, SSD) with seeded weights, heads included.

gluoncv's heads decode, rank and suppress boxes inside the network (topk, box_decode,
box_nms), so an export of the whole HybridBlock is a real test of the head ops.
"""
from __future__ import annotations

from typing import Any

import numpy as np

# short name -> (gluoncv model-zoo name, default square input size). Not ssd_300_mobilenet0.25_voc:
# with seeded weights its deep feature maps are flat, MXNet computes exactly equal scores for whole
# columns of anchors, and NMS orders those ties by index, which any 1-ulp difference overturns.
DETECTORS = {
    "centernet_resnet18_v1b_voc": ("center_net_resnet18_v1b_voc", 256),
    "yolo3_mobilenet1.0_voc": ("yolo3_mobilenet1.0_voc", 256),
    "ssd_512_resnet18_v1_voc": ("ssd_512_resnet18_v1_voc", 320),
}
NORM_SUFFIXES = {"gamma": (0.5, 1.5), "beta": (-0.2, 0.2), "running_mean": (-0.2, 0.2),
                 "running_var": (0.5, 1.5), "moving_mean": (-0.2, 0.2), "moving_var": (0.5, 1.5)}


def randomize_norms(net: Any, seed: int) -> None:
    """Seeded random gamma, beta, running mean and (positive) running var for every BatchNorm,
    found by parameter name, so the symbol-built ones (SSD's feature expander) are covered too."""
    mx = _mx()
    rng = np.random.default_rng(seed)
    for name, param in sorted(net.collect_params().items()):
        suffix = next((s for s in NORM_SUFFIXES if name.endswith(s)), None)
        if suffix is not None:
            low, high = NORM_SUFFIXES[suffix]
            param.set_data(mx.nd.array(rng.uniform(low, high, param.shape), dtype=param.dtype))


def rescale(conv: Any, logits: Any, spread: float) -> None:
    """Scale the weight of ``conv`` (which made ``logits``, bias removed) to give them std ``spread``."""
    conv.weight.set_data(conv.weight.data() * (spread / float(logits.asnumpy().std())))


def spread_scores(name: str, net: Any, x: Any) -> None:
    """Give the class logits of an untrained head a trained head's spread, so that ranking them is
    decided by the network and not by float rounding. CenterNet's heatmap logits run into the hundreds
    (every sigmoid is exactly 1.0 and topk sees only ties, whose order MXNet leaves to libstdc++'s
    unstable sort): std 1, its -2.19 bias kept. SSD's softmax scores all sit within 1e-3 of 1/21 (a
    1-ulp conv difference reorders them): std 2. YOLOv3's are left as built."""
    if name.startswith("centernet"):
        conv = net.heads[0][-1]
        rescale(conv, net.heads[0](net.base_network(x)) - conv.bias.data().reshape((1, -1, 1, 1)), 1.0)
    elif name.startswith("ssd"):
        for feature, head in zip(net.features(x), net.class_predictors):
            rescale(head.predictor, head(feature) - head.predictor.bias.data().reshape((1, -1, 1, 1)), 2.0)


def detector(name: str, *, seed: int = 0, size: int | None = None) -> Any:
    """The gluoncv detector ``name`` (a key of DETECTORS), pretrained=False and pretrained_base=False,
    Xavier weights from ``mx.random.seed(seed)``, seeded norm statistics; not hybridized."""
    mx, gcv = _mx(), _gcv()
    zoo, default = DETECTORS[name]
    size = size or default
    mx.random.seed(seed)
    with mx.name.NameManager():
        net = gcv.model_zoo.get_model(zoo, pretrained=False, pretrained_base=False)
    net.collect_params(".*weight").initialize(mx.init.Xavier())
    net.collect_params().initialize()  # the rest keep their own initializers (biases, norms, anchors)
    x = mx.nd.zeros((1, 3, size, size))
    net(x)
    randomize_norms(net, seed)
    spread_scores(name, net, mx.nd.array(np.random.default_rng(seed).uniform(-1, 1, x.shape).astype(np.float32)))
    return net


def _mx() -> Any:
    from frontc.compat.mxnet_env import import_mxnet

    return import_mxnet()


def _gcv() -> Any:
    from frontc.compat.mxnet_env import import_gluoncv

    return import_gluoncv()
