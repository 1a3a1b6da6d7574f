"""Checklist step 6 (backend side): quantize the fused IR of a config and print the error per layer,
then `final distance D`.

    python examples/test_quantize_error.py --config-file configs/quant_resnet50_v1b.yml [--json F]
"""
import sys

from frontc.cli import main

if __name__ == "__main__":
    sys.exit(main(["quantize", *sys.argv[1:]]))
