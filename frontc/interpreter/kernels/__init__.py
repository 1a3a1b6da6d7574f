"""Reference kernels, one module per op family; importing registers them all."""
from frontc.interpreter.kernels import (  # noqa: F401
    bitwise,
    conv,
    detection,
    elementwise,
    integer,
    linalg,
    logic,
    nn,
    norm,
    pool,
    recurrent,
    reduce,
    resize,
    tensor,
)
