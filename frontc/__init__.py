"""frontc: an IR-centric frontend compiler for deep-learning accelerators.

Importing frontc never imports torch, TensorFlow or mxnet: frameworks are
imported lazily by the frontend or backend that needs them.
"""
from frontc.api import Model, config_from_model, convert
from frontc.frontends import load
from frontc.interpreter import run
from frontc.ir import Graph, Node, TensorSpec, load_graph, save_graph
from frontc.ir.errors import FrontcError
from frontc.quant import quantize_graph  # also registers the quantization lint rule and kernels

__version__ = "0.1.0"

__all__ = ["Graph", "Model", "Node", "TensorSpec", "FrontcError", "config_from_model", "convert", "load",
           "load_graph", "quantize_graph", "save_graph", "run", "__version__"]
