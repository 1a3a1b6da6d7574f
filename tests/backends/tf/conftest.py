"""Quiet TensorFlow's C++ logging, and print the largest error each test module measured."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.backends.tf.util import WORST

    if WORST:
        terminalreporter.section("Keras reconstruction: largest relative error per module")
        for module, worst in sorted(WORST.items()):
            terminalreporter.write_line(f"{module}: {worst:.3e}")
