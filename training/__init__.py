"""Forge training programs: one module per stage, each runnable as ``python -m training.<stage> --config cfg.json``.

tokenizer → cpt → sft → evaluate; ``training.models`` builds or loads the model, ``training.common``
holds what every stage shares (configs, reporting through Dagster Pipes, checkpoints, perplexity).
"""
