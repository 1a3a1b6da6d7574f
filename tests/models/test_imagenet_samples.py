"""foolbox's 20 labelled ImageNet samples, decoded and cropped deterministically."""
from __future__ import annotations

import numpy as np

from frontc.data.imagenet_samples import imagenet_samples, sample_files


def test_files_and_labels() -> None:
    files = sample_files()
    assert len(files) == 20
    assert files[0][0].name == "imagenet_00_243.jpg" and files[0][1] == 243
    assert [label for _, label in files][:3] == [243, 559, 438]


def test_images_are_normalized_nchw_and_deterministic() -> None:
    images, labels = imagenet_samples()
    assert images.shape == (20, 3, 224, 224) and images.dtype == np.float32
    assert labels.dtype == np.int64 and labels[-1] == 305
    assert -1.0 <= images.min() and images.max() <= 1.0
    again, _ = imagenet_samples()
    np.testing.assert_array_equal(images, again)
    raw, _ = imagenet_samples(mean=0.0, std=1.0)
    np.testing.assert_allclose((raw - 0.5) / 0.5, images, atol=1e-6)
