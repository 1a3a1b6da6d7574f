"""The frontc IR: graph, op schemas, shape inference, lint and serialization."""
from frontc.ir.errors import FrontcError, GraphError, IRFormatError, ShapeError
from frontc.ir.graph import Graph, Node, TensorSpec
from frontc.ir.infer import infer_shapes, node_attrs
from frontc.ir.schema import get_schema, known_ops
from frontc.ir.serialize import ir_paths, load_graph, save_graph
from frontc.ir.validate import lint

__all__ = ["FrontcError", "Graph", "GraphError", "IRFormatError", "Node", "ShapeError",
           "TensorSpec", "get_schema", "infer_shapes", "ir_paths", "known_ops", "lint",
           "load_graph", "node_attrs", "save_graph"]
