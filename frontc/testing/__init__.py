"""Model cases shared by the tests, the compatibility table and the benches.

Each ``frontc.testing.<framework>_cases`` module exposes ``cases() -> dict[str, CaseFactory]``.
"""
