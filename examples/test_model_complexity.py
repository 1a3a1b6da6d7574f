"""Checklist step 4: model complexity (nnz, sparsity, dense and sparse FLOPs) of a compiled IR.

    python examples/test_model_complexity.py \
        --graph-json moffett_ir/IR_for_reconstruct_graph.json \
        --params-file moffett_ir/IR_for_reconstruct_params.npz
"""
import sys

from frontc.cli import main

if __name__ == "__main__":
    sys.exit(main(["complexity", *sys.argv[1:]]))
