"""Small IR graphs built in code for the tests (the model catalog is frontc.catalog)."""
