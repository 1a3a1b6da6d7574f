"""Step 7 of the checklist: an analytical accelerator performance model over the fused IR."""
