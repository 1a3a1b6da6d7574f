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


def tiny_detector(seed: int = 0, classes: int = 3) -> Any:
    """A small seeded network with gluoncv's own detection heads on one 8x8 feature map: SSD's
    (anchor generator, softmax, MultiPerClassDecoder, NormalizedBoxCenterDecoder, box_nms) and
    CenterNet's (sigmoid heatmap, 3x3 max-pool peak test, CenterNetDecoder's topk and gather_nd).
    Input (1, 3, 32, 32); outputs SSD ids, scores, boxes, then CenterNet classes, scores, boxes."""
    mx = _mx()
    _gcv()  # imported through the compatibility shim first
    from gluoncv.model_zoo.ssd.anchor import SSDAnchorGenerator
    from gluoncv.nn.coder import CenterNetDecoder, MultiPerClassDecoder, NormalizedBoxCenterDecoder

    nn = mx.gluon.nn

    class TinyDetector(mx.gluon.HybridBlock):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.HybridSequential()
            self.features.add(nn.Conv2D(8, 3, strides=2, padding=1), nn.BatchNorm(), nn.Activation("relu"),
                              nn.Conv2D(8, 3, strides=2, padding=1), nn.BatchNorm(), nn.Activation("relu"))
            self.anchors = SSDAnchorGenerator(0, (32, 32), (8, 16), (1, 2, 0.5), 4, alloc_size=(16, 16))
            self.cls = nn.Conv2D(4 * (classes + 1), 3, padding=1)
            self.box = nn.Conv2D(4 * 4, 3, padding=1)
            self.cls_decoder = MultiPerClassDecoder(classes + 1, thresh=0.01)
            self.box_decoder = NormalizedBoxCenterDecoder((0.1, 0.1, 0.2, 0.2))
            self.heatmap, self.wh, self.reg = nn.Conv2D(classes, 1), nn.Conv2D(2, 1), nn.Conv2D(2, 1)
            self.peaks = nn.MaxPool2D(3, 1, 1)
            self.center_decoder = CenterNetDecoder(topk=10, scale=4.0)

        def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803  (Gluon's signature)
            feat = self.features(x)
            cls = F.transpose(self.cls(feat), (0, 2, 3, 1)).reshape((0, -1, classes + 1))
            box = F.transpose(self.box(feat), (0, 2, 3, 1)).reshape((0, -1, 4))
            anchors = self.anchors(feat).reshape((1, -1, 4))
            ids, scores = self.cls_decoder(F.softmax(cls, axis=-1))
            boxes = self.box_decoder(box, anchors)
            rows = F.concat(*[F.concat(ids.slice_axis(axis=-1, begin=i, end=i + 1),
                                       scores.slice_axis(axis=-1, begin=i, end=i + 1), boxes, dim=-1)
                              for i in range(classes)], dim=1)
            kept = F.contrib.box_nms(rows, overlap_thresh=0.45, topk=60, valid_thresh=0.01, id_index=0,
                                     score_index=1, coord_start=2).slice_axis(axis=1, begin=0, end=20)
            heat = F.sigmoid(self.heatmap(feat))
            heat = F.broadcast_equal(self.peaks(heat), heat) * heat
            return (kept.slice_axis(axis=2, begin=0, end=1), kept.slice_axis(axis=2, begin=1, end=2),
                    kept.slice_axis(axis=2, begin=2, end=6),
                    *self.center_decoder(heat, self.wh(feat), self.reg(feat)))

    mx.random.seed(seed)
    with mx.name.NameManager():
        net = TinyDetector()
    net.collect_params(".*weight").initialize(mx.init.Xavier())
    net.collect_params().initialize()
    net(mx.nd.zeros((1, 3, 32, 32)))
    randomize_norms(net, seed)
    x = mx.nd.array(np.random.default_rng(seed).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32))
    feat = net.features(x)
    for conv in (net.cls, net.heatmap):  # class logits with a trained head's spread (see spread_scores)
        rescale(conv, conv(feat) - conv.bias.data().reshape((1, -1, 1, 1)), 2.0)
    return net
