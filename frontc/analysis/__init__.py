"""Analyses over the IR: distances between outputs (more to come: complexity, divergence)."""
