"""Checklist step 6: calibrate the fused IR on the config's images and write its range table.

    python examples/test_calibration.py --config-file configs/quant_resnet50_v1b.yml
"""
import sys

from frontc.cli import main

if __name__ == "__main__":
    sys.exit(main(["calibrate", *sys.argv[1:]]))
