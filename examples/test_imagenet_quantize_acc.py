"""Checklist step 6 (algorithm side): top-1/top-5 of the float IR and of every quantization strategy
x weight granularity on the config's labelled images, with top-1 agreement with float.

    python examples/test_imagenet_quantize_acc.py --config-file configs/quant_efficientnet_lite0.yml [--json F]
"""
import sys

from frontc.cli import main

if __name__ == "__main__":
    sys.exit(main(["accuracy", *sys.argv[1:]]))
