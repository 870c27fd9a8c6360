"""Where a project's state lives on disk: one object that names every path.

Everything a run produces sits under the project's state folder::

    state/
      dagster/                 DAGSTER_HOME: run history (SQLite by default)
      work/ingest/<source>/    raw records and quarantine per source (unredacted: local only)
      work/curate/             filtered, deduplicated, redacted records and code units
      store/                   the embedded version store (curated data; what training reads)
      datasets/<commit>/       training datasets built from one data commit
      training/<stage>/        training programs' outputs and checkpoints
      registry/                registered models and their cards
      audit/                   residual-PII scan results per record hash, reused by later runs
      secrets/                 the pseudonym key when none is given in the environment
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    @property
    def work(self) -> Path:
        return self.root / "work"

    def ingest_dir(self, source: str) -> Path:
        return self.work / "ingest" / source

    def ingest_records(self, source: str) -> Path:
        return self.ingest_dir(source) / "records.parquet"

    def ingest_quarantine(self, source: str) -> Path:
        return self.ingest_dir(source) / "quarantine.parquet"

    def ingest_stats(self, source: str) -> Path:
        return self.ingest_dir(source) / "stats.json"

    @property
    def curate(self) -> Path:
        return self.work / "curate"

    def curated(self, name: str) -> Path:
        """A curation stage's output table, e.g. ``curated("filtered")``."""
        return self.curate / f"{name}.parquet"

    def curate_stats(self, name: str) -> Path:
        return self.curate / f"{name}.stats.json"

    def datasets(self, commit: str) -> Path:
        return self.root / "datasets" / commit[:16]

    def training(self, stage: str) -> Path:
        return self.root / "training" / stage

    @property
    def registry(self) -> Path:
        return self.root / "registry"

    @property
    def lineage(self) -> Path:
        return self.root / "lineage"

    @property
    def audit(self) -> Path:
        """What the blocking audits remember between runs (hashes and offsets, never text)."""
        return self.root / "audit"
