"""``PruneCallback``: the ``Prune`` schedule for Keras 3 ``model.fit`` (TensorFlow backend).

    prune_dict = generate_prune_dict(model, 0.9, {"ops": ("conv", "dense")})   # names: 'conv2d/kernel'
    model.fit(x, y, callbacks=[PruneCallback(0, 2000, 100, prune_dict)])

Steps are training batches. After every batch the callback recomputes the masks when the schedule says
so and multiplies every pruned kernel by its mask, so each pruned weight is exactly zero after every
step whatever the optimizer (momentum, weight decay, Adam). Keras gives callbacks no hook between the
gradient and the update, so gradients are not masked (``Prune.prepare``); re-masking after the update
gives the same weights for plain SGD and keeps every pruned weight at zero for any optimizer.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras

from frontc.prune.prune import Prune
from frontc.prune.schedule import check_steps


class PruneCallback(keras.callbacks.Callback):
    """Prune the model being fitted along a schedule (see the module docstring)."""

    def __init__(self, pretrain_step: int, sparse_step: int, frequency: int, prune_dict: Mapping[str, Any],
                 schedule: str = "polynomial", pattern: str = "unstructured", scope: str = "layer") -> None:
        super().__init__()
        check_steps(pretrain_step, sparse_step, frequency, schedule)
        self.options = dict(pretrain_step=pretrain_step, sparse_step=sparse_step, frequency=frequency,
                            prune_dict=prune_dict, schedule=schedule, pattern=pattern, scope=scope)
        self.prune: Prune | None = None

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        if self.prune is None:   # a second fit() continues the same schedule
            self.prune = Prune(self.model, **self.options)

    def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self.prune.prune()
