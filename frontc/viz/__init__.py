"""Rendering of IR graphs with graphviz."""
from frontc.viz.render import render_graph, to_dot

__all__ = ["render_graph", "to_dot"]
