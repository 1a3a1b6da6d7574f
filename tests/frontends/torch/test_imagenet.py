"""Done-when check: EfficientNet-Lite0 with its trained ImageNet weights on foolbox's 20 labelled
ImageNet samples gives the same top-1 in the IR interpreter as in PyTorch, image by image."""
from __future__ import annotations

import numpy as np
import torch

import frontc
from frontc.data.imagenet_samples import imagenet_samples
from frontc.models.torch import load_efficientnet_lite0
from tests.frontends.torch.helpers import assert_close


def test_efficientnet_lite0_on_imagenet_samples() -> None:
    model = load_efficientnet_lite0(pretrained=True)
    images, labels = imagenet_samples()  # (20, 3, 224, 224) in [-1, 1]
    graph = frontc.load(model, "torch", input_shapes={"images": images.shape})
    ir_logits = frontc.run(graph, {"images": images})[graph.outputs[0]]
    with torch.no_grad():
        torch_logits = model(torch.from_numpy(images)).numpy()
    ir_top1, torch_top1 = ir_logits.argmax(1), torch_logits.argmax(1)
    ir_accuracy, torch_accuracy = float(np.mean(ir_top1 == labels)), float(np.mean(torch_top1 == labels))
    error = assert_close(ir_logits, torch_logits)
    print(f"EfficientNet-Lite0 on 20 ImageNet samples: PyTorch top-1 {torch_accuracy:.2f}, "
          f"IR top-1 {ir_accuracy:.2f}, same top-1 on {int(np.sum(ir_top1 == torch_top1))}/20, "
          f"max|IR - torch| / max|torch| = {error:.2e}")
    assert (ir_top1 == torch_top1).all()
    assert ir_accuracy == torch_accuracy
    assert torch_accuracy >= 0.85  # 17 of 20, as measured with these weights and this preprocessing
