"""The numpy reference interpreter: ``run(graph, feeds)`` and per-node traces."""
from frontc.interpreter.registry import get_kernel, kernel_ops
from frontc.interpreter.run import check_feeds, run

__all__ = ["check_feeds", "get_kernel", "kernel_ops", "run"]
