"""IR -> PyTorch: rebuild an IR graph as a trainable torch.nn.Module of native layers.

``to_torch(graph)`` builds the module, ``run_torch(module, feeds, trace=...)`` runs it by IR
tensor names, ``params_from_state_dict`` / ``write_back`` carry (fine-tuned) weights back into
the IR. Importing this package imports torch; ``import frontc`` does not.
"""
from frontc.backends.torch.export import save_torchscript
from frontc.backends.torch.module import IRModule, run_torch, to_torch
from frontc.backends.torch.params import params_from_state_dict, write_back

__all__ = ["IRModule", "params_from_state_dict", "run_torch", "save_torchscript", "to_torch", "write_back"]
