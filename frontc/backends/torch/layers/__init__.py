"""Layer factories, one module per op family; importing registers them all."""
from frontc.backends.torch.layers import (  # noqa: F401
    activation,
    bitwise,
    conv,
    detection,
    elementwise,
    integer,
    logic,
    nn,
    norm,
    pool,
    recurrent,
    reduce,
    resize,
    select,
    tensor,
)
