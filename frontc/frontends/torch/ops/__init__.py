"""aten converters by op family; importing this package registers them all."""
from frontc.frontends.torch.ops import activation, arith, nn, reduce, resize, tensor  # noqa: F401
