"""ReduceMean, ReduceSum, ReduceMax, ReduceMin."""
from __future__ import annotations

import numpy as np

from frontc.interpreter.registry import kernel

_REDUCERS = {"ReduceMean": np.mean, "ReduceSum": np.sum, "ReduceMax": np.max, "ReduceMin": np.min}

for _op, _fn in _REDUCERS.items():
    kernel(_op)(lambda ins, a, fn=_fn: np.asarray(
        fn(ins[0], axis=tuple(a["axes"]) or None, keepdims=bool(a["keepdims"]))
    ).astype(ins[0].dtype, copy=False))
