"""The bundled sample company, ingested and redacted by the pipeline's steps, passes the residual check.

This is the run the blocking check once failed: a name the first pass never saw appeared
next to a placeholder. The scan runs at the redaction threshold, so it also shows that the
output is a fixpoint of detection, not just clean at the check's higher threshold.
"""

from __future__ import annotations

import pytest

from bench.pii_converge import deduplicated_sample
from forge_data.pii import Redactor, load_pseudonym_key
from forge_data.steps import curate
from forge_data.tables import read_parquet

# A pseudonym key under which the single-pass redactor failed this check on this sample
# (its placeholder tags made the model see a name in "decodeClaims"); any key must pass.
KEY_THAT_FAILED = "forge-sample-key-000026-padding"


@pytest.fixture(scope="module")
def redacted(tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FORGE_PSEUDONYM_KEY", KEY_THAT_FAILED)
        yield _redact(tmp_path_factory.mktemp("acme"))


def _redact(root):
    cfg, ws = deduplicated_sample(root)  # the same preparation as the convergence bench
    stats = curate.redact(cfg, ws)
    return cfg, ws, stats, read_parquet(ws.curated("redacted"))


def test_sample_company_redaction_leaves_nothing_for_the_residual_check(redacted):
    cfg, ws, stats, table = redacted
    pii = cfg.curation.pii
    assert stats["entities"] > 500 and stats["by_type"]["JWT"] >= 1 and stats["unsettled"] == 0
    assert pii.score_threshold <= cfg.checks.residual_pii_threshold
    redactor = Redactor(pii, load_pseudonym_key(pii, ws.root))
    findings = redactor.scan_residual(table, threshold=pii.score_threshold)
    assert findings == [], (
        f"left after redaction: {[(f['id'], f['type'], f['recognizer']) for f in findings]}"
    )
    texts = "\n".join(t for t in table.column("text").to_pylist() if t)
    assert 'describe("decodeClaims"' in texts and "<JWT_" in texts
