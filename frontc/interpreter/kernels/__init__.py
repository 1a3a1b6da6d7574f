"""Reference kernels, one module per op family; importing registers them all."""
from frontc.interpreter.kernels import conv, elementwise, nn, pool, reduce, resize, tensor  # noqa: F401
