"""Compatibility shims that let old frameworks import next to the pinned numpy and torch."""
