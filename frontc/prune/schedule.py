"""When masks are updated and how sparse they are at each update: the pruning schedule.

Steps are counted by ``Prune.prune()`` calls (one per optimizer step). No pruning during the
first ``pretrain_step`` steps; then masks are recomputed at steps ``pretrain_step + k * frequency``
for ``k = 0 .. n - 1`` with ``n = ceil(sparse_step / frequency)``; after that they stay fixed.
At update ``k`` the progress is ``p = (k + 1) / n`` (the last update reaches the target) and a
parameter of target sparsity ``s`` gets:

- ``constant``: ``s`` at every update;
- ``linear``: ``s * p``;
- ``polynomial``: ``s * (1 - (1 - p) ** 3)``, the cubic of Zhu & Gupta's AGP (2017).
"""
from __future__ import annotations

import math

from frontc.ir.errors import OptionError

SCHEDULES = ("constant", "linear", "polynomial")
EXPONENT = 3


def check_steps(pretrain_step: int, sparse_step: int, frequency: int, schedule: str) -> None:
    """OptionError naming the first bad step option or the unknown schedule."""
    for name, value in (("pretrain_step", pretrain_step), ("sparse_step", sparse_step), ("frequency", frequency)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionError(f"{name}={value!r}: must be an integer number of steps")
    if pretrain_step < 0:
        raise OptionError(f"pretrain_step={pretrain_step}: must be 0 or more")
    if frequency < 1:
        raise OptionError(f"frequency={frequency}: must be at least 1 (prune every N steps)")
    if sparse_step < frequency:
        raise OptionError(f"sparse_step={sparse_step} is smaller than frequency={frequency}: no update would "
                          "happen", hint="make sparse_step at least frequency")
    if schedule not in SCHEDULES:
        raise OptionError(f"schedule={schedule!r}: unknown", hint=f"use one of {list(SCHEDULES)}")


def updates(sparse_step: int, frequency: int) -> int:
    """How many times the masks are recomputed."""
    return math.ceil(sparse_step / frequency)


def progress(step: int, pretrain_step: int, sparse_step: int, frequency: int) -> float | None:
    """The schedule progress in (0, 1] if ``step`` recomputes the masks, else None."""
    offset = step - pretrain_step
    n = updates(sparse_step, frequency)
    if offset < 0 or offset % frequency or offset // frequency >= n:
        return None
    return (offset // frequency + 1) / n


def sparsity_at(target: float, p: float, schedule: str) -> float:
    """The sparsity a parameter of final sparsity ``target`` gets at progress ``p``."""
    if schedule == "constant":
        return target
    if schedule == "linear":
        return target * p
    return target * (1.0 - (1.0 - p) ** EXPONENT)
