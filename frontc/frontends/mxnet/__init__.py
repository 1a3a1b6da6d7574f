"""The MXNet/Gluon frontend: exported symbol + params files, live HybridBlocks, gluoncv zoo names.

Exported files are read with numpy alone; mxnet (through ``frontc.compat.mxnet_env``)
is imported only to export a live block or build a zoo network. Converters are
registered per op family in the ``ops_*`` modules.
"""
from frontc.frontends.mxnet import (  # noqa: F401
    ops_activation,
    ops_detection,
    ops_math,
    ops_nn,
    ops_rnn,
    ops_select,
    ops_tensor,
)
from frontc.frontends.mxnet.context import REG
from frontc.frontends.mxnet.loader import load, load_files, model_files
from frontc.frontends.mxnet.params import read_params

__all__ = ["REG", "load", "load_files", "model_files", "read_params"]
