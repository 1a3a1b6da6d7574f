"""Keras sequence and transformer networks: a GRU text classifier and a ViT-tiny."""
from __future__ import annotations

from typing import Any

import numpy as np


def gru_text_classifier(seed: int = 0, vocab: int = 200, steps: int = 20, classes: int = 3) -> Any:
    """Token ids -> Embedding -> Bidirectional GRU (sequences) -> GRU -> LayerNormalization -> Dense
    softmax. Biases are seeded non-zero so that both GRU bias vectors are exercised."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    ids = keras.Input((steps,), dtype="int64", name="ids")
    x = layers.Embedding(vocab, 16, name="embedding")(ids)
    x = layers.Bidirectional(layers.GRU(12, return_sequences=True), name="bigru")(x)
    x = layers.GRU(10, name="gru")(x)
    x = layers.LayerNormalization(name="norm")(x)
    model = keras.Model(ids, layers.Dense(classes, activation="softmax", name="classifier")(x), name="gru_text")
    rng = np.random.default_rng(seed + 1)
    for variable in model.weights:
        if variable.path.endswith("bias"):
            variable.assign(rng.normal(0.0, 0.3, variable.shape).astype(np.float32))
    return model


def vit_tiny(seed: int = 0, image: int = 32, patch: int = 8, dim: int = 48, depth: int = 2, heads: int = 3,
             classes: int = 10) -> Any:
    """Vision transformer (pre-norm, exact GELU MLP, global average pooling head): patches by a strided
    Conv2D, learned positions as a seeded constant, MultiHeadAttention blocks."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    n = (image // patch) ** 2
    inputs = keras.Input((image, image, 3), name="image")
    x = layers.Reshape((n, dim), name="tokens")(layers.Conv2D(dim, patch, strides=patch, name="patches")(inputs))
    positions = np.random.default_rng(seed).normal(0.0, 0.02, (1, n, dim)).astype(np.float32)
    x = keras.ops.add(x, positions)
    for i in range(depth):
        h = layers.LayerNormalization(epsilon=1e-6, name=f"block{i}_norm1")(x)
        h = layers.MultiHeadAttention(heads, dim // heads, name=f"block{i}_attention")(h, h)
        x = layers.Add(name=f"block{i}_add1")([x, h])
        h = layers.LayerNormalization(epsilon=1e-6, name=f"block{i}_norm2")(x)
        h = layers.Dense(2 * dim, activation="gelu", name=f"block{i}_mlp1")(h)
        x = layers.Add(name=f"block{i}_add2")([x, layers.Dense(dim, name=f"block{i}_mlp2")(h)])
    x = layers.GlobalAveragePooling1D(name="pool")(layers.LayerNormalization(epsilon=1e-6, name="norm")(x))
    return keras.Model(inputs, layers.Dense(classes, name="head")(x), name="vit_tiny")
