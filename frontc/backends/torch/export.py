"""Save a reconstructed module as a TorchScript file (traced on the given feeds)."""
from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import torch

from frontc.backends.torch.module import IRModule
from frontc.outputs import write_file


def save_torchscript(module: IRModule, feeds: dict[str, np.ndarray], path: str | Path) -> Path:
    """Trace ``module`` on ``feeds`` (in the graph's input order) and write the TorchScript file."""
    args = tuple(torch.from_numpy(np.asarray(feeds[name])) for name in module.input_names)
    was_training = module.training
    module.eval()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(module, args)
    module.train(was_training)
    buffer = io.BytesIO()
    torch.jit.save(traced, buffer)
    return write_file(path, buffer.getvalue(), force=True)
