"""Checklist step 5 (TVM): compile an IR with TVM Relax for LLVM, run it on the CPU and compare it
with a result.

    python examples/test_tvm_reconstructor.py \
        --graph moffett_ir/IR_for_reconstruct_graph.json \
        --params moffett_ir/IR_for_reconstruct_params.npz \
        --input_npy input.npy --result_npy result.npy

Prints the distance; exits with status 1 when it is over the threshold (default 1e-3).
"""
import sys

from frontc.cli import main

if __name__ == "__main__":
    sys.exit(main(["reconstruct", "tvm", *sys.argv[1:]]))
