"""Op families of the IR; importing this package registers every op schema."""
from frontc.ir.ops import (  # noqa: F401
    bitwise,
    detection,
    elementwise,
    integer,
    linalg,
    logic,
    nn,
    norm,
    recurrent,
    reduce,
    tensor,
)
