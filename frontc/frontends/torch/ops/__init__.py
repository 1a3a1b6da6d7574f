"""aten converters by op family; importing this package registers them all."""
from frontc.frontends.torch.ops import activation, arith, nn, reduce, resize, sequence, tensor  # noqa: F401
