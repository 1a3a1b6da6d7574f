"""Backends: rebuild an IR graph as a model of another framework (TensorFlow/Keras, ...)."""
