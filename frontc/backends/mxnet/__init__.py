"""IR -> MXNet: ``to_mxnet(graph)`` gives the symbol JSON and ``.params`` bytes (written with numpy
alone, IR names kept), ``save_mxnet`` writes them, ``run_mxnet`` loads them in mxnet and runs them
by IR tensor names. Only ``run_mxnet`` imports mxnet."""
from frontc.backends.mxnet.export import save_mxnet, to_mxnet
from frontc.backends.mxnet.runtime import mxnet_block, run_mxnet

__all__ = ["mxnet_block", "run_mxnet", "save_mxnet", "to_mxnet"]
