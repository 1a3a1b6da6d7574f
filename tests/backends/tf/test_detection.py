"""BoxNMS rebuilt as a Keras layer (a while loop over stable-sorted candidates), against the
interpreter on tie-heavy boxes, inside a functional model (graph mode, batch folded in)."""
from __future__ import annotations

import numpy as np
import pytest

from frontc.interpreter import run
from tests.backends.boxes import tie_boxes
from tests.backends.tf.util import check, single


@pytest.mark.parametrize("fmt, attrs", [
    ("corner", {}), ("corner", {"id_index": 0, "topk": 12, "overlap_thresh": 0.3, "valid_thresh": 0.2}),
    ("center", {"id_index": 0, "force_suppress": 1}), ("center", {"id_index": 0, "background_id": 2, "topk": 50}),
])
def test_box_nms(fmt, attrs):
    x = tie_boxes(30, fmt, seed=len(attrs)).reshape(2, 1, 30, 6)
    graph = single("BoxNMS", [x.shape], {"format": fmt, **attrs})
    assert check(graph, {"x0": x}) == 0.0


def test_box_nms_keeps_nothing():
    x = tie_boxes(6)
    graph = single("BoxNMS", [x.shape], {"valid_thresh": 1.5})
    assert check(graph, {"x0": x}) == 0.0
    assert np.all(run(graph, {"x0": x})[graph.outputs[0]] == -1)
