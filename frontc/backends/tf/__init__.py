"""IR -> TensorFlow/Keras: a Keras 3 functional model of native layers, its weights back as IR
params, per-tensor runs, and SavedModel / frozen GraphDef / TFLite export.

Importing this package imports TensorFlow; ``import frontc`` never does.
"""
from frontc.backends.tf.export import FrozenGraph, frozen_function, save_frozen_pb, save_saved_model, to_tflite
from frontc.backends.tf.model import KerasBuild, keras_build, params_from_keras, to_keras
from frontc.backends.tf.registry import supported_ops
from frontc.backends.tf.run import run_keras

__all__ = ["FrozenGraph", "KerasBuild", "frozen_function", "keras_build", "params_from_keras",
           "run_keras", "save_frozen_pb", "save_saved_model", "supported_ops", "to_keras", "to_tflite"]
