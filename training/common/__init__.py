"""What every stage program shares; DPO/GRPO stages build on the same pieces."""
