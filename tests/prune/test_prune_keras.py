"""PruneCallback in Keras 3 model.fit: exact zeros after every batch with momentum and weight decay, the
final sparsity and pattern, and the schedule's errors at construction."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from frontc.ir.errors import OptionError
from frontc.prune import generate_prune_dict
from frontc.prune.keras import PruneCallback


def _model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((12, 12, 1)), keras.layers.Conv2D(8, 3, name="c1"),
                             keras.layers.ReLU(), keras.layers.Conv2D(16, 3, name="c2"), keras.layers.ReLU(),
                             keras.layers.Flatten(), keras.layers.Dense(32, name="d1"), keras.layers.ReLU(),
                             keras.layers.Dense(10, name="d2")])


class ZerosCheck(keras.callbacks.Callback):
    """After every batch (after the PruneCallback): every masked kernel entry is exactly zero."""

    def __init__(self, pruner: PruneCallback) -> None:
        super().__init__()
        self.pruner, self.checked = pruner, 0

    def on_train_batch_end(self, batch, logs=None) -> None:
        for name, mask in self.pruner.prune.masks().items():
            kernel = np.moveaxis(self.pruner.prune.params.params[name].numpy(), (-1, -2), (0, 1))
            assert (kernel[mask == 0] == 0).all(), f"{name} drifted off zero"
            self.checked += 1


@pytest.mark.parametrize("pattern, rate", [("unstructured", 0.9), ("2:4", 0.5)])
def test_fit_keeps_exact_zeros(pattern: str, rate: float) -> None:
    model = _model()
    prune_dict = generate_prune_dict(model, rate, {"ops": ("conv", "dense")})
    assert sorted(prune_dict) == ["c2/kernel", "d1/kernel"]   # first conv and classifier skipped
    pruner = PruneCallback(2, 8, 2, prune_dict, pattern=pattern)
    check = ZerosCheck(pruner)
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9, weight_decay=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(224, 12, 12, 1)).astype(np.float32), rng.integers(0, 10, 224)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[pruner, check])
    assert pruner.prune.finished and check.checked > 0
    for name in prune_dict:
        kernel = model.get_layer(name.split("/")[0]).kernel.numpy()
        assert int((kernel == 0).sum()) == round(rate * kernel.size)
        if pattern == "2:4":   # groups of 4 input channels (Keras kernels are (..., in, out))
            groups = np.moveaxis(kernel, -2, -1).reshape(-1, 4)
            assert ((groups != 0).sum(axis=1) == 2).all()


def test_errors_at_construction() -> None:
    with pytest.raises(OptionError, match="frequency=0"):
        PruneCallback(0, 10, 0, {"c2/kernel": 0.5})
    with pytest.raises(OptionError, match="prune_dict key 'c9/kernel' names no parameter"):
        model = _model()
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.zeros((2, 12, 12, 1)), np.zeros((2, 10)), verbose=0,
                  callbacks=[PruneCallback(0, 10, 2, {"c9/kernel": 0.5})])
