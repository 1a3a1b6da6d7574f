"""distance(): the metrics against hand-checkable cases."""
import numpy as np

from frontc.analysis.distance import distance


def test_metrics_on_a_known_difference():
    ref = np.array([[1.0, -4.0, 2.0]])
    d = distance(ref + np.array([[0.0, 0.5, 0.0]]), ref)
    assert d.max_abs == 0.5 and d.max_ref == 4.0 and d.rel_max == 0.125
    assert np.isclose(d.rel_l2, 0.5 / np.sqrt(21))
    assert d.top1 == 1.0 and not d.within(0.1) and d.within(0.2)


def test_top1_of_classifiers_with_trailing_unit_axes():
    ref = np.zeros((2, 4, 1, 1))
    ref[0, 1], ref[1, 3] = 1, 1
    swapped = ref.copy()
    swapped[1, 3], swapped[1, 0] = 0, 1
    d = distance(swapped, ref)
    assert d.top1 == 0.5 and d.top5 == 1.0
    assert distance(np.ones((1, 3, 4, 4)), np.ones((1, 3, 4, 4))).top1 is None
