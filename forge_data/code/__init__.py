"""Code understood as functions, not files: tree-sitter units, unit-level dedup, FIM samples.

Public API::

    extract_units(records, cfg=None) -> (units: pa.Table in UNIT_SCHEMA, stats)
    find_duplicate_units(units, cfg=None) -> (units + cluster columns, stats)
    make_fim_samples(units, rate, seed, spm_rate=0.5) -> pa.Table
"""

from forge_data.code.extract import UNIT_SCHEMA, extract_units

__all__ = ["UNIT_SCHEMA", "extract_units"]
