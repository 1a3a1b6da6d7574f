"""Uniform access to a model's weights for pruning: PyTorch modules, MXNet Gluon blocks, Keras models.

An adapter lists the parameters (names in definition order, with the kind of layer they belong to:
'conv', 'depthwise', 'dense' or 'other'), reads a weight as numpy in the IR layout (output channel
first: Conv (O, I/groups, kh, kw), Dense (O, I)), and applies a mask to the weights and gradients in
place. Names: PyTorch state_dict names with DataParallel's ``module.`` prefixes removed; Gluon
``collect_params()`` names (structural names such as ``features.0.weight`` are accepted as aliases);
Keras ``layer name/variable name`` (``conv2d/kernel``).
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from frontc.ir.errors import OptionError


def normalize_name(name: str) -> str:
    """``module.module.conv1.weight`` -> ``conv1.weight`` (DataParallel / DistributedDataParallel)."""
    while name.startswith("module."):
        name = name[len("module."):]
    return name


class Adapter:
    """A model's prunable parameters; subclasses fill ``params``, ``kinds`` and ``aliases``."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.kinds: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        self.masks: dict[str, Any] = {}
        self.numpy_masks: dict[str, np.ndarray] = {}

    def resolve(self, key: str) -> str | None:
        """The canonical name a user's key refers to, or None."""
        key = normalize_name(key)
        return key if key in self.params else self.aliases.get(key)

    def shape(self, name: str) -> tuple[int, ...]:
        return tuple(self.numpy(name).shape)

    def numpy(self, name: str) -> np.ndarray:
        raise NotImplementedError

    def set_mask(self, name: str, mask: np.ndarray) -> None:
        """Use ``mask`` (IR layout) for ``name`` from now on."""
        self.numpy_masks[name] = mask
        self.masks[name] = self.native(name, mask)

    def native(self, name: str, mask: np.ndarray) -> Any:
        raise NotImplementedError

    def apply(self, name: str) -> None:
        raise NotImplementedError

    def mask_grad(self, name: str) -> None:
        raise NotImplementedError


class TorchAdapter(Adapter):
    """``nn.Module`` parameters; masks are tensors multiplied into ``param`` and ``param.grad``."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        import torch
        from torch import nn

        for module_name, module in model.named_modules():
            for local, param in module.named_parameters(recurse=False):
                name = normalize_name(f"{module_name}.{local}" if module_name else local)
                self.params[name] = param
                kind = "other"
                if local == "weight" and isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
                    depthwise = module.groups > 1 and module.groups == module.in_channels
                    kind = "depthwise" if depthwise else "conv"
                elif local == "weight" and isinstance(module, nn.Linear):
                    kind = "dense"
                self.kinds[name] = kind
        self._torch = torch

    def numpy(self, name: str) -> np.ndarray:
        return self.params[name].detach().cpu().numpy()

    def native(self, name: str, mask: np.ndarray) -> Any:
        param = self.params[name]
        return self._torch.from_numpy(np.ascontiguousarray(mask)).to(param.device, param.dtype)

    def apply(self, name: str) -> None:
        with self._torch.no_grad():
            self.params[name].mul_(self.masks[name])

    def mask_grad(self, name: str) -> None:
        grad = self.params[name].grad
        if grad is not None:
            grad.mul_(self.masks[name])


class GluonAdapter(Adapter):
    """Gluon ``Block`` parameters (initialized, shapes known); masks multiplied into every context's copy."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        from mxnet.gluon import nn

        structural = {id(p): name for name, p in model._collect_params_with_prefix().items()}
        for name, param in model.collect_params().items():
            if param.shape is None or 0 in param.shape:
                raise OptionError(f"Gluon parameter '{name}' has unknown shape {param.shape}",
                                  hint="initialize the net and run one forward pass before creating Prune")
            self.params[name] = param
            self.kinds[name] = "other"
            if id(param) in structural:
                self.aliases[structural[id(param)]] = name
        for block in _gluon_blocks(model):
            weight = getattr(block, "weight", None)
            if weight is None or weight.name not in self.params:
                continue
            if isinstance(block, (nn.Conv1D, nn.Conv2D, nn.Conv3D)):
                groups = block._kwargs.get("num_group", 1)
                self.kinds[weight.name] = "depthwise" if groups > 1 and weight.shape[1] == 1 else "conv"
            elif isinstance(block, nn.Dense):
                self.kinds[weight.name] = "dense"

    def numpy(self, name: str) -> np.ndarray:
        return self.params[name].list_data()[0].asnumpy()

    def native(self, name: str, mask: np.ndarray) -> Any:
        import mxnet as mx

        param = self.params[name]
        return [mx.nd.array(mask, ctx=ctx, dtype=param.dtype) for ctx in param.list_ctx()]

    def apply(self, name: str) -> None:
        for data, mask in zip(self.params[name].list_data(), self.masks[name]):
            data *= mask

    def mask_grad(self, name: str) -> None:
        param = self.params[name]
        if param.grad_req == "null":
            return
        for grad, mask in zip(param.list_grad(), self.masks[name]):
            grad *= mask


def _gluon_blocks(block: Any) -> list[Any]:
    out = [block]
    for child in block._children.values():
        out.extend(_gluon_blocks(child))
    return out


class KerasAdapter(Adapter):
    """Keras 3 variables; kernels are read and masked in the IR layout (output channel first)."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        import keras

        for layer in _keras_layers(model):
            for var in layer.trainable_weights:
                name = f"{layer.name}/{var.name}"
                self.params[name] = var
                kind = "other"
                if var is getattr(layer, "kernel", None):
                    if isinstance(layer, keras.layers.DepthwiseConv2D):
                        kind = "depthwise"
                    elif isinstance(layer, (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)) \
                            and not isinstance(layer, keras.layers.Conv2DTranspose):
                        kind = "conv"
                    elif isinstance(layer, keras.layers.Dense):
                        kind = "dense"
                self.kinds[name] = kind

    def numpy(self, name: str) -> np.ndarray:
        value = np.asarray(self.params[name].numpy())
        return np.moveaxis(value, (-1, -2), (0, 1)) if value.ndim >= 2 else value

    def native(self, name: str, mask: np.ndarray) -> Any:
        return np.moveaxis(mask, (0, 1), (-1, -2)) if mask.ndim >= 2 else mask

    def apply(self, name: str) -> None:
        var = self.params[name]
        var.assign(var.numpy() * self.masks[name])

    def mask_grad(self, name: str) -> None:
        raise OptionError("a Keras model's gradients are not reachable from Prune.prepare()",
                          hint="use frontc.prune.keras.PruneCallback in model.fit")


def _keras_layers(model: Any) -> list[Any]:
    out = []
    for layer in model.layers:
        out.extend(_keras_layers(layer) if hasattr(layer, "layers") else [layer])
    return out


def adapter_for(model: Any) -> Adapter:
    """The adapter of ``model``'s framework (checked without importing frameworks that are not loaded)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        return TorchAdapter(model)
    mxnet = sys.modules.get("mxnet")
    if mxnet is not None and isinstance(model, mxnet.gluon.Block):
        return GluonAdapter(model)
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(model, keras.Model):
        return KerasAdapter(model)
    raise OptionError(f"model: cannot prune a {type(model).__name__}",
                      hint="pass a torch.nn.Module, an MXNet Gluon Block or a Keras Model")
