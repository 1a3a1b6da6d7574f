"""Op families of the IR; importing this package registers every op schema."""
from frontc.ir.ops import bitwise, elementwise, linalg, logic, nn, norm, recurrent, reduce, tensor  # noqa: F401
