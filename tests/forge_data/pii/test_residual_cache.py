"""The cached residual scan gives what a full scan gives, and scans only rows it has not seen."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from forge_data.config import PiiConfig
from forge_data.pii.residual_cache import fingerprint, scan_with_cache
from forge_data.schema import make_record, records_table

from .conftest import KEY


def _doc(uri: str, text: str) -> dict:
    return make_record(kind="doc", source="wiki", uri=uri, text=text)


def _table(rows: list[dict]) -> pa.Table:
    return records_table(rows)


ROWS = [
    _doc("a", "Page Aisha Bello on +1 (212) 867-5309 for Helix."),
    _doc("b", "The deploy runbook lives in the wiki; nothing personal here."),
    _doc("c", "Write to tomasz.kowalski@example.org about the rollout."),
    _doc("d", "Quarterly numbers are in the shared drive."),
]


def _key(findings: list[dict]) -> list[tuple]:
    return sorted((f["id"], f["type"], f["start"], f["end"]) for f in findings)


def test_cached_scans_match_full_scans_and_skip_known_rows(redactor, tmp_path):
    def scan(rows: pa.Table) -> list[dict]:
        scanned.append(rows.num_rows)
        return redactor.scan_residual(rows, threshold=0.6)

    cache = tmp_path / "residual.parquet"
    first = _table(ROWS)
    scanned: list[int] = []
    found, count = scan_with_cache(first, scan, cache)
    assert count == 4 and scanned == [4]
    assert _key(found) == _key(redactor.scan_residual(first, threshold=0.6))
    assert {f["id"] for f in found} == {first.column("id")[0].as_py(), first.column("id")[2].as_py()}

    scanned.clear()
    again, count = scan_with_cache(first, scan, cache)
    assert count == 0 and scanned == [] and _key(again) == _key(found)

    # One row edited to carry an email, one removed, one added: only the two changed rows are scanned.
    edited = [
        ROWS[0],
        _doc("b", "Ping priya.raman@example.org for the runbook."),
        ROWS[2],
        _doc("e", "Call +44 20 7946 0958."),
    ]
    second = _table(edited)
    scanned.clear()
    found, count = scan_with_cache(second, scan, cache)
    assert count == 2 and scanned == [2]
    assert _key(found) == _key(redactor.scan_residual(second, threshold=0.6))
    assert {second.column("id")[1].as_py(), second.column("id")[3].as_py()} <= {f["id"] for f in found}
    # The cache now holds this table's rows only: the removed row is forgotten.
    assert pq.read_table(cache).num_rows == 4


def test_the_cache_is_keyed_by_the_detection_setup(company_cfg):
    base = fingerprint(company_cfg, 0.6, KEY)
    assert base == fingerprint(company_cfg, 0.6, KEY)
    assert base != fingerprint(company_cfg, 0.5, KEY)
    assert base != fingerprint(company_cfg, 0.6, b"another-key-of-sufficient-length")
    changed = PiiConfig(**{**company_cfg.model_dump(), "allow_list": [*company_cfg.allow_list, "Tomasz"]})
    assert base != fingerprint(changed, 0.6, KEY)


def test_without_a_cache_folder_everything_is_scanned(redactor):
    found, count = scan_with_cache(
        _table(ROWS), lambda rows: redactor.scan_residual(rows, threshold=0.6), None
    )
    assert count == 4 and len(found) >= 2
