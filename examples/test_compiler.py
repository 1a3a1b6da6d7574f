"""Checklist step 3: compile a model into moffett_ir/ (IR_for_reconstruct_*, IR_fused_for_CModel_*).

    python examples/test_compiler.py mxnet resnet50v1b 0
    python examples/test_compiler.py onnx model.onnx --input-shape input=1,3,224,224
"""
import sys

from frontc.cli import main

if __name__ == "__main__":
    sys.exit(main(["compile", *sys.argv[1:]]))
