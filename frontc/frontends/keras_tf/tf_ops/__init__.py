"""Converters of TF GraphDef ops, one module per op family, in ``REGISTRY`` ("tf")."""
from frontc.frontends.keras_tf.tf_ops import array, atrous, math, nn, reduce, resize, slicing
from frontc.frontends.keras_tf.tf_ops.common import REGISTRY, VARIANTS, TFContext, TFNode

__all__ = ["REGISTRY", "VARIANTS", "TFContext", "TFNode", "array", "atrous", "math", "nn", "reduce",
           "resize", "slicing"]
