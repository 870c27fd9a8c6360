"""Forge's data library: records, sources, curation, version stores, datasets.

Pure Python: nothing here imports Dagster. The orchestration layer (assets/,
quality/, sensors/) calls into this library, and so does the `forge` CLI.
"""

__version__ = "0.1.0"
