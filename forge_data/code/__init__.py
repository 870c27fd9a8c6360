"""Code understood as functions, not files: tree-sitter units, unit-level dedup, FIM samples.

Public API::

    extract_units(records, cfg=None) -> (units: pa.Table in UNIT_SCHEMA, stats)
    find_duplicate_units(units, cfg=None) -> (units + cluster columns, stats)
    make_fim_samples(units, rate, seed, spm_rate=0.5) -> pa.Table in FIM_SCHEMA
"""

from forge_data.code.duplicates import find_duplicate_units
from forge_data.code.extract import UNIT_SCHEMA, extract_units
from forge_data.code.fim import FIM_MIDDLE, FIM_PREFIX, FIM_SCHEMA, FIM_SUFFIX, make_fim_samples

__all__ = [
    "FIM_MIDDLE",
    "FIM_PREFIX",
    "FIM_SCHEMA",
    "FIM_SUFFIX",
    "UNIT_SCHEMA",
    "extract_units",
    "find_duplicate_units",
    "make_fim_samples",
]
