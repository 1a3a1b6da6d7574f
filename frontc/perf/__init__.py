"""Step 7 of the checklist: an analytical accelerator performance model over the fused IR, at the bit widths of its
quantization annotations and with the sparsity patterns recorded in it."""
