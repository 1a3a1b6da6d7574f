"""Converters of Keras 3 layers, one module per layer family, in ``REGISTRY`` ("keras")."""
from frontc.frontends.keras_tf.keras_ops import (
    activation,
    attention,
    conv,
    merge,
    norm,
    ops,
    pool,
    recurrent,
    reshape,
    resize,
)
from frontc.frontends.keras_tf.keras_ops.common import REGISTRY, VARIANTS, KerasCall

__all__ = ["REGISTRY", "VARIANTS", "KerasCall", "activation", "attention", "conv", "merge", "norm", "ops", "pool",
           "recurrent", "reshape", "resize"]
