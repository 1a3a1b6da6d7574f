"""The catalog of models: one entry per model (framework, builder or file, input shape, preprocessing,
labels, domain and task) with the Case it builds (source model, seeded input, source framework's output).

Each ``frontc.catalog.<framework>_cases`` module exposes ``cases() -> dict[str, ModelEntry]``;
``frontc.catalog.registry`` gathers them.
"""
