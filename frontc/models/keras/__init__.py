"""Keras networks written in the project (seeded weights; keras.applications covers the CNNs)."""
from frontc.models.keras.sequence import gru_text_classifier, vit_tiny

__all__ = ["gru_text_classifier", "vit_tiny"]
