"""Checklist step 5 (TensorFlow): rebuild an IR as a Keras model, compare it, save a frozen .pb.

    python examples/test_tensorflow_reconstructor.py \
        --graph moffett_ir/IR_for_reconstruct_graph.json \
        --params moffett_ir/IR_for_reconstruct_params.npz \
        --input_npy input.npy --result_npy result.npy --save_path tf_reconstruct.pb

Prints the distance; exits with status 1 when it is over the threshold (default 1e-3).
"""
import sys

from frontc.cli import main

if __name__ == "__main__":
    sys.exit(main(["reconstruct", "tf", *sys.argv[1:]]))
