"""Cross-runtime evaluation: model specs (catalog name or YAML with MODEL + PREPROCESS), the
conversion matrix (every target against every other on the same images) and the benchmark suite."""
